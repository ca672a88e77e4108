import { mersenne } from 'pure-rand/generator/mersenne';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

/**
 * Percentile-bootstrap confidence intervals, seeded so a results file is
 * reproducible. Two levels, as the runs were made: each resample draws the
 * repeats with replacement, then each drawn repeat's orders with replacement,
 * and takes the statistic over what it drew. So the interval carries both the
 * orders' spread and the run-to-run variation a noisy machine adds. Written here
 * (on pure-rand, which the workload already uses) because no well-kept npm
 * package offers a seeded, hierarchical bootstrap.
 */
export type Interval = [number, number];

export const RESAMPLES = 2000;
export const CONFIDENCE = 0.95;

export function quantileOf(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  // Nearest rank, as the HdrHistogram percentiles are read.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function interval(stats: number[]): Interval {
  stats.sort((a, b) => a - b);
  const tail = (1 - CONFIDENCE) / 2;
  return [quantileOf(stats, tail), quantileOf(stats, 1 - tail)];
}

/** The q-quantile of values grouped by repeat, with its interval. */
export function bootstrapQuantile(groups: readonly (readonly number[])[], q: number, seed: number, resamples = RESAMPLES): Interval | null {
  const used = groups.filter((g) => g.length > 0);
  if (!used.length) return null;
  const rng = mersenne(seed);
  const stats: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const drawn: number[] = [];
    for (let r = 0; r < used.length; r++) {
      const g = used[uniformInt(rng, 0, used.length - 1)]!;
      for (let k = 0; k < g.length; k++) drawn.push(g[uniformInt(rng, 0, g.length - 1)]!);
    }
    drawn.sort((a, b) => a - b);
    stats.push(quantileOf(drawn, q));
  }
  return interval(stats);
}

/** The median of one value per repeat (a throughput), with its interval; null below two repeats. */
export function bootstrapMedian(values: readonly number[], seed: number, resamples = RESAMPLES): Interval | null {
  if (values.length < 2) return null;
  const rng = mersenne(seed);
  const stats: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const drawn = values.map(() => values[uniformInt(rng, 0, values.length - 1)]!).sort((a, b) => a - b);
    stats.push(quantileOf(drawn, 0.5));
  }
  return interval(stats);
}

/** Whether two intervals share any value: then neither side is a clear winner. */
export const overlap = (a: Interval, b: Interval): boolean => a[0] <= b[1] && b[0] <= a[1];
