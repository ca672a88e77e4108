import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cheapestRanges, timelineOf } from '../report/derive.ts';
import { rank, verdicts, type Dimension } from '../report/verdicts.ts';
import { loadResults } from '../report/load.ts';
import { buildReport } from '../report/model.ts';
import { resultsSchema } from '../results/schema.ts';
import { minimalResults } from './fixtures/report/minimal.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'results', 'small.json');
const verdict = (r: ReturnType<typeof minimalResults>, d: Dimension) => verdicts(r).find((v) => v.dimension === d)?.text;

describe('report verdicts (computed from the data)', () => {
  it('leaves a variant whose latency is simulated out of the latency and throughput verdicts, and says so', () => {
    const r = minimalResults({
      variants: [
        { name: 'temporal', levels: [{ level: 8, p99: 900 }] },
        { name: 'choreography', levels: [{ level: 8, p99: 1200 }] },
        { name: 'lambda-durable', levels: [{ level: 8, p99: 100 }] },
      ],
    });
    r.variants.find((v) => v.name === 'lambda-durable')!.latencyKind = 'simulated';
    const latency = verdict(r, 'latency')!;
    expect(latency).toMatch(/^Temporal had the lowest p99/);
    expect(latency).toMatch(/Lambda durable left out: its local orchestration is SIMULATED/);
    expect(verdict(r, 'throughput')).not.toMatch(/Lambda durable (had|tied)/);
    expect(
      buildReport(r)
        .banners.map((b) => b.text)
        .join('\n'),
    ).toMatch(/Lambda durable: latency and throughput are SIMULATED/);
  });

  it('names the variant with the lowest p99 at each level, grouping levels it wins', () => {
    const r = minimalResults({
      variants: [
        {
          name: 'choreography',
          levels: [
            { level: 1, p99: 200 },
            { level: 8, p99: 900 },
            { level: 24, p99: 3000 },
          ],
        },
        {
          name: 'stepfunctions',
          levels: [
            { level: 1, p99: 300 },
            { level: 8, p99: 1200 },
            { level: 24, p99: 4000 },
          ],
        },
        {
          name: 'temporal',
          levels: [
            { level: 1, p99: 400 },
            { level: 8, p99: 600 },
            { level: 24, p99: 1500 },
          ],
        },
      ],
    });
    expect(verdict(r, 'latency')).toBe(
      'Choreography had the lowest p99 at 1 client (200 ms; next Step Functions 300 ms); ' +
        'Temporal had the lowest p99 at 8 clients (600 ms; next Choreography 900 ms) and 24 clients (1,500 ms; next Choreography 3,000 ms).',
    );
  });

  it('names a winner only where the 95 % intervals do not overlap, else "no clear difference"', () => {
    const ci = (p99: [number, number], throughput: [number, number]) => ({ p50: null, p99, throughput });
    const r = minimalResults({
      variants: [
        {
          name: 'choreography',
          levels: [
            { level: 1, p99: 200, ci: ci([180, 230], [2, 3]), repeats: 3 },
            { level: 8, p99: 900, throughput: 4, ci: ci([800, 1000], [3.5, 4.5]), repeats: 3 },
          ],
        },
        {
          name: 'temporal',
          levels: [
            { level: 1, p99: 210, ci: ci([190, 260], [2, 3]), repeats: 3 },
            { level: 8, p99: 600, throughput: 5, ci: ci([550, 700], [4.4, 6]), repeats: 3 },
          ],
        },
      ],
    });
    expect(verdict(r, 'latency')).toBe(
      'No clear difference in p99 at 1 client (Choreography 200 ms [180 ms–230 ms] vs Temporal 210 ms [190 ms–260 ms]): the 95 % intervals overlap; ' +
        'Temporal had the lowest p99 at 8 clients (600 ms [550 ms–700 ms]; next Choreography 900 ms [800 ms–1,000 ms]).',
    );
    expect(verdict(r, 'throughput')).toMatch(/^No clear difference in throughput at 8 clients: .*the 95 % intervals overlap\.$/);
    r.variants[1]!.levels[1]!.ci!.throughput = [4.6, 6];
    expect(verdict(r, 'throughput')).toMatch(/^Temporal had the highest throughput at 8 clients: 5(\.00)? \[4\.6/);
    const load = buildReport(r).sections.find((s) => s.id === 'load')!.tables[0]!;
    expect(load.caption).toMatch(/95 % bootstrap intervals over 3 interleaved repeats/);
    expect(load.rows[0]!.map((c) => c.text)).toContain('200 [180–230]');
  });

  it('says "tied" when two variants share the lowest p99, and skips levels only one variant reached', () => {
    const r = minimalResults({
      variants: [
        {
          name: 'choreography',
          levels: [
            { level: 4, p99: 500 },
            { level: 8, p99: 700 },
          ],
        },
        { name: 'temporal', levels: [{ level: 4, p99: 500 }] },
      ],
    });
    expect(verdict(r, 'latency')).toBe('Choreography and Temporal tied for the lowest p99 at 4 clients (500 ms).');
    expect(
      rank([
        { name: 'a', value: 2 },
        { name: 'b', value: 1 },
        { name: 'c', value: 1 },
      ]).best.map((b) => b.name),
    ).toEqual(['b', 'c']);
  });

  it('throughput and floor at the highest level every compared variant reached', () => {
    const r = minimalResults({
      variants: [
        {
          name: 'choreography',
          levels: [
            { level: 1, throughput: 9, floorRatio: 1.5 },
            { level: 8, throughput: 10, floorRatio: 5 },
          ],
        },
        {
          name: 'temporal',
          levels: [
            { level: 1, throughput: 3, floorRatio: 3 },
            { level: 8, throughput: 11.5, floorRatio: 1.25 },
          ],
        },
      ],
    });
    expect(verdict(r, 'throughput')).toBe('Temporal had the highest throughput at 8 clients: 11.50 orders/s (Choreography 10.00).');
    expect(verdict(r, 'floor')).toBe(
      'At 8 clients Temporal was closest to its substrate floor (p50 1.25× the floor); Choreography furthest (5.00×).',
    );
  });

  it('cost: cheapest per 1M, and cheapest below / above the crossover volume', () => {
    // Choreography $30/1M orders, no fixed cost; Temporal $10/1M + $20/month fixed: they cross at 1,000,000 orders/month.
    const r = minimalResults({
      variants: [
        { name: 'choreography', levels: [{ level: 1 }], costPerMillion: 30 },
        { name: 'temporal', levels: [{ level: 1 }], costPerMillion: 10 },
      ],
      fixedMonthly: { temporal: 20 },
    });
    expect(r.projection!.crossovers).toEqual([
      { a: 'choreography', b: 'temporal', ordersPerMonth: expect.closeTo(1e6, 3), cheaperAbove: 'temporal' },
    ]);
    expect(verdict(r, 'cost')).toBe(
      'Temporal was the cheapest per 1M orders ($10.00; Choreography $30.00); by monthly bill (at zero orders: Temporal $20.00/month), ' +
        'below 1,000,000 orders/month Choreography is cheapest, above 1,000,000 Temporal is cheapest.',
    );
  });

  it('cost: one variant cheapest at every volume, and ties', () => {
    const every = minimalResults({
      variants: [
        { name: 'choreography', levels: [{ level: 1 }], costPerMillion: 5 },
        { name: 'stepfunctions', levels: [{ level: 1 }], costPerMillion: 50 },
      ],
      fixedMonthly: {},
    });
    expect(verdict(every, 'cost')).toBe(
      'Choreography was the cheapest per 1M orders ($5.00; Step Functions $50.00); by monthly bill, from 1,000 to 100,000,000 orders/month Choreography is cheapest.',
    );
    const tie = minimalResults({
      variants: [
        { name: 'choreography', levels: [{ level: 1 }], costPerMillion: 7 },
        { name: 'temporal', levels: [{ level: 1 }], costPerMillion: 7 },
      ],
      fixedMonthly: {},
    });
    expect(verdict(tie, 'cost')).toBe(
      'Choreography and Temporal tied as the cheapest per 1M orders ($7.00); by monthly bill, from 1,000 to 100,000,000 orders/month Choreography and Temporal tie as cheapest.',
    );
  });

  it('the cheapest ranges follow the bills through several crossovers, edges at the crossovers', () => {
    // choreography $3,000/1M, no fixed; stepfunctions $1,000/1M + $10; temporal $0/1M + $30:
    // choreography < stepfunctions below 5,000 orders (0.003 v = 10 + 0.001 v), stepfunctions < temporal below 20,000.
    const r = minimalResults({
      variants: [
        { name: 'choreography', levels: [{ level: 1 }], costPerMillion: 3000 },
        { name: 'stepfunctions', levels: [{ level: 1 }], costPerMillion: 1000 },
        { name: 'temporal', levels: [{ level: 1 }], costPerMillion: 0 },
      ],
      fixedMonthly: { stepfunctions: 10, temporal: 30 },
    });
    expect(cheapestRanges(r.projection!)).toEqual([
      { series: ['choreography'], fromOrders: 1000, toOrders: expect.closeTo(5000, 6) },
      { series: ['stepfunctions'], fromOrders: expect.closeTo(5000, 6), toOrders: expect.closeTo(20_000, 6) },
      { series: ['temporal'], fromOrders: expect.closeTo(20_000, 6), toOrders: 1e8 },
    ]);
    expect(cheapestRanges(r.projection!, ['choreography', 'temporal'])).toEqual([
      { series: ['choreography'], fromOrders: 1000, toOrders: expect.closeTo(10_000, 6) },
      { series: ['temporal'], fromOrders: expect.closeTo(10_000, 6), toOrders: 1e8 },
    ]);
  });

  it('coupling, change impact and correctness', () => {
    const r = minimalResults({
      variants: [
        { name: 'choreography', levels: [{ level: 1 }], edges: 6, messagesPerOrder: 5.5, change: { files: 5, added: 40, removed: 5 } },
        {
          name: 'temporal',
          levels: [{ level: 1 }],
          edges: 4,
          messagesPerOrder: 7,
          change: { files: 6, added: 20, removed: 1 },
          brokenInvariant: 'charged 2 cents too much',
        },
      ],
    });
    expect(verdict(r, 'coupling')).toBe(
      'Temporal had the fewest dependencies between components (4 edges; Choreography 6); Choreography sent the fewest messages per order (5.50; Temporal 7.00).',
    );
    expect(verdict(r, 'change')).toBe(
      'The scripted change (add a fraud check) was smallest in Temporal (Temporal 6 files +20 −1; Choreography 5 files +40 −5).',
    );
    expect(verdict(r, 'correctness')).toBe('1 of 4 invariant checks broke (Temporal: money conserved (level 1)); 0 orders lost.');
  });

  it("states the real fixture's verdicts from its numbers", () => {
    const r = loadResults(FIXTURE).results;
    const v = verdicts(r);
    expect(v.map((x) => x.dimension)).toEqual(['latency', 'throughput', 'floor', 'cost', 'coupling', 'change', 'correctness']);
    expect(v[0]!.text).toMatch(
      /^Choreography had the lowest p99 at 1 client \(341 ms \[208 ms–341 ms\]; next Temporal 515 ms \[392 ms–515 ms\]\), 4 clients \(1,309 ms \[843 ms–1,309 ms\]; next Temporal 1,787 ms \[1,377 ms–1,787 ms\]\) and 8 clients/,
    );
    expect(v[3]!.text).toBe(
      'Choreography was the cheapest per 1M orders ($35.62; Step Functions $337.19, Temporal $407.74; what-if: Step Functions EXPRESS (what-if) $25.89); ' +
        'by monthly bill (at zero orders: Temporal $521.67/month and Choreography $1.31/month), below 4,357 orders/month Step Functions is cheapest, above 4,357 Choreography is cheapest.',
    );
    expect(v[6]!.text).toBe('All 72 invariant checks held in all 3 variants; no order was lost.');
  });

  it('the timeline puts a hop before each step, from the end of its cause, and one to the terminal state', () => {
    const tl = timelineOf({
      orderId: 'o1',
      status: 'COMPLETED',
      startAt: 0,
      latencyMs: 100,
      steps: [
        { step: 'a:first', service: 'a', startMs: 10, endMs: 20 },
        { step: 'b:fanout', service: 'b', startMs: 25, endMs: 40 },
        { step: 'c:fanout', service: 'c', startMs: 30, endMs: 50 },
        { step: 'd:last', service: 'd', startMs: 60, endMs: 70 },
      ],
    });
    const hops = tl.bars.filter((b) => b.kind === 'hop').map((b) => [b.step, b.startMs, b.endMs]);
    // c:fanout started while b:fanout ran: its cause is a:first (ended at 20), not b.
    expect(hops).toEqual([
      ['a:first', 0, 10],
      ['b:fanout', 20, 25],
      ['c:fanout', 20, 30],
      ['d:last', 50, 60],
      ['terminal', 70, 100],
    ]);
    expect(tl.stepMs).toBe(10 + 15 + 20 + 10);
    expect(tl.hopMs).toBe(10 + 5 + 10 + 10 + 30);
  });
});

describe('faults verdict', () => {
  const fault = (name: 'crash' | 'pause', affected: number, recoveryMs: number, ok = true) => ({
    fault: name,
    description: name,
    level: 8,
    fired: true,
    startedAtMs: 100,
    durationMs: 2000,
    outcomes: { accepted: 10, completed: 10, cancelled: 0, rejected: 0, lost: 0, errors: 0 },
    latencyMs: { count: 10, p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1, cdf: [] },
    baselineP99Ms: 1,
    extraP99Ms: 0,
    ordersAffected: affected,
    recoveryMs,
    retries: 0,
    throttledCalls: 0,
    poisonInjected: 0,
    dlq: [],
    invariants: [{ name: 'stock conserved', ok, detail: ok ? 'ok' : 'WIDGET off by 2' }],
  });
  const withFaults = (faults: Record<string, ReturnType<typeof fault>[]>) => {
    const r = minimalResults({
      variants: [
        { name: 'choreography', levels: [{ level: 8, p99: 1 }] },
        { name: 'temporal', levels: [{ level: 8, p99: 1 }] },
      ],
    });
    for (const v of r.variants) v.faults = faults[v.name] as never;
    return resultsSchema.parse(r);
  };

  it('names, per fault, the variant that fewest orders felt, then the quickest to finish them', () => {
    const r = withFaults({
      choreography: [fault('crash', 3, 30_000), fault('pause', 5, 36_000)],
      temporal: [fault('crash', 3, 10_000), fault('pause', 6, 35_000)],
    });
    expect(verdict(r, 'faults')).toBe(
      'Every guarantee held under every injected fault (4 fault runs, no order lost); crash: Temporal least hit (3 orders affected, all done 10,000 ms after the fault); pause: Choreography least hit (5 orders affected, all done 36,000 ms after the fault).',
    );
  });

  it('leads with a broken guarantee', () => {
    const r = withFaults({ choreography: [fault('crash', 1, 5, false)], temporal: [fault('crash', 1, 5)] });
    expect(verdict(r, 'faults')).toMatch(/^Guarantees broke for Choreography under crash/);
  });

  it('says nothing about faults when none ran', () => {
    expect(verdict(minimalResults({ variants: [{ name: 'temporal', levels: [{ level: 1, p99: 1 }] }] }), 'faults')).toBeUndefined();
  });
});
