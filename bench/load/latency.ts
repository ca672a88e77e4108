import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** (percentile, ms) points for a CDF chart, from the same histogram. */
  cdf: { p: number; ms: number }[];
}

const CDF_PERCENTILES = [0, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97.5, 99, 99.5, 99.9, 100];

/**
 * Percentiles from an HdrHistogram (1 ms to 1 h at 3 significant digits), so
 * summaries of different runs carry the same, known error bound.
 */
export function summarize(valuesMs: number[]): LatencySummary {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
  try {
    for (const v of valuesMs) h.recordValue(Math.min(3_600_000, Math.max(1, Math.round(v))));
    if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, cdf: [] };
    // A percentile is its bucket's upper bound; never report one above the exact maximum.
    const at = (p: number) => Math.min(h.getValueAtPercentile(p), h.maxValue);
    return {
      count: h.totalCount,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      max: h.maxValue,
      mean: Math.round(h.mean * 10) / 10,
      cdf: CDF_PERCENTILES.map((p) => ({ p, ms: p === 0 ? h.minNonZeroValue : at(p) })),
    };
  } finally {
    h.destroy();
  }
}
