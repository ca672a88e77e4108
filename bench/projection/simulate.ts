import { mersenne } from 'pure-rand/generator/mersenne';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { HopKind } from '../../shared/variant/aws-hops.ts';
import { figureOf, hopModelOf, type HopTable } from './hop-latencies.ts';
import { quantileOf } from '../bootstrap.ts';

/** The standard normal's 0.99 quantile: a lognormal through p50 and p99 has sigma = ln(p99 / p50) / Z99. */
export const Z99 = 2.3263478740408408;

export interface Lognormal {
  mu: number;
  sigma: number;
}

/** The lognormal whose median and 99th percentile are the published ones. */
export function lognormalThrough(p50: number, p99: number): Lognormal {
  if (!(p50 > 0 && p99 > p50)) throw new Error(`a lognormal needs 0 < p50 < p99 (got ${p50}, ${p99})`);
  return { mu: Math.log(p50), sigma: Math.log(p99 / p50) / Z99 };
}

/** One order's path, as the simulation needs it: what is carried over from the local run, and its hops by kind. */
export interface OrderPath {
  carriedMs: number;
  hops: Partial<Record<HopKind, number>>;
}

export interface Simulation {
  draws: number;
  seed: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** 95 % distribution-free intervals of the two percentiles from the draws' order statistics: the simulation's own error. */
  ci95: { p50: [number, number]; p99: [number, number] };
}

export const DEFAULT_DRAWS = 20_000;

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The order statistics that bound the q-quantile of n draws with 95 % confidence (normal approximation to the binomial). */
function orderStatInterval(sorted: readonly number[], q: number): [number, number] {
  const n = sorted.length;
  const half = 1.96 * Math.sqrt(n * q * (1 - q));
  const lo = Math.max(0, Math.floor(n * q - half) - 1);
  const hi = Math.min(n - 1, Math.ceil(n * q + half) - 1);
  return [round1(sorted[lo]!), round1(sorted[hi]!)];
}

/**
 * Monte Carlo over the orders of a run: each draw takes one of the orders at random
 * (so the run's mix of paths, retries and outcomes is kept), adds what is carried over
 * from its local measurement, and one independent draw of every published figure each
 * of its hops is made of. Seeded: the same inputs give the same figures.
 */
export function simulate(orders: readonly OrderPath[], table: HopTable, opts: { draws?: number; seed: number }): Simulation {
  if (!orders.length) throw new Error('nothing to simulate: no order ended');
  const draws = opts.draws ?? DEFAULT_DRAWS;
  const rng = mersenne(opts.seed);
  const dist = new Map<HopKind, Lognormal[]>();
  const of = (kind: HopKind): Lognormal[] => {
    let d = dist.get(kind);
    if (!d) {
      d = hopModelOf(table, kind).drawnAs.map((id) => {
        const f = figureOf(table, id);
        return lognormalThrough(f.p50Ms, f.p99Ms);
      });
      dist.set(kind, d);
    }
    return d;
  };
  // Box-Muller: two uniforms give a standard normal (the second of the pair is dropped for simplicity).
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng));
  const totals = new Array<number>(draws);
  let sum = 0;
  for (let i = 0; i < draws; i++) {
    const o = orders[orders.length === 1 ? 0 : uniformInt(rng, 0, orders.length - 1)]!;
    let t = o.carriedMs;
    for (const [kind, n] of Object.entries(o.hops) as [HopKind, number][])
      for (let k = 0; k < n; k++) for (const ln of of(kind)) t += Math.exp(ln.mu + ln.sigma * normal());
    totals[i] = t;
    sum += t;
  }
  totals.sort((a, b) => a - b);
  return {
    draws,
    seed: opts.seed,
    p50Ms: round1(quantileOf(totals, 0.5)),
    p99Ms: round1(quantileOf(totals, 0.99)),
    meanMs: round1(sum / draws),
    ci95: { p50: orderStatInterval(totals, 0.5), p99: orderStatInterval(totals, 0.99) },
  };
}
