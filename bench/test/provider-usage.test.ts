import { describe, expect, it } from 'vitest';
import { parseReportLine, summarizeReports } from '../../shared/aws/provider/lambda-reports.ts';
import { lambdaUsageFromReports } from '../cost/provider-usage.ts';
import { estimateCost } from '../cost/model.ts';
import { PRICE_TABLE } from '../cost/prices.ts';

const report = (id: string, ms: number, init?: number) =>
  parseReportLine(
    `REPORT RequestId: ${id}\tDuration: ${ms} ms\tBilled Duration: ${Math.ceil(ms)} ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB\t` +
      (init ? `Init Duration: ${init} ms\t` : ''),
  )!;

describe('Lambda usage from REPORT lines (what bench --target aws reads provider-side)', () => {
  it('gives the cost model the shape a local run gives it: invocations by role, billed time, cold starts apart', () => {
    const consumer = summarizeReports([report('a', 10.2, 200), report('b', 4.1), report('c', 5)]);
    const publisher = summarizeReports([report('p', 2.5, 150)]);
    const u = lambdaUsageFromReports([
      { role: 'consumer', summary: consumer },
      { role: 'publisher', summary: publisher },
    ]);
    expect(u.metered.map((c) => [c.service, c.operation, c.calls])).toEqual([
      ['lambda', 'Invoke', 3],
      ['lambda', 'InvokeOutboxPublisher', 1],
    ]);
    // Billed milliseconds, rounded up per invocation as Lambda bills them: 11 + 5 + 5 + 3.
    expect(u.lambda).toEqual({ tracedRuns: 4, durationMsTotal: 24, memoryMb: 256, arch: 'arm64' });
    expect(u.cold).toEqual({ coldStarts: 2, initMsTotal: 350, invocations: 4 });

    const cost = estimateCost({ variant: 'choreography', orders: 1, metered: u.metered, lambda: u.lambda }, PRICE_TABLE);
    // The breakdown is per million orders; this sample is one order.
    const line = (re: RegExp) => cost.breakdown.find((l) => re.test(l.item))!.count / 1e6;
    expect(line(/^invocations/)).toBe(4);
    // 4 invocations x ceil(24 / 4) ms at 256 MB, in GB-seconds.
    expect(line(/^duration arm64/)).toBeCloseTo(((4 * 6) / 1000) * 0.25, 10);
    // The event source mapping's receive and delete per consumer invocation, as for a local run.
    expect(line(/event source mapping/)).toBe(6);
  });
});
