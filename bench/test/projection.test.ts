import { describe, expect, it } from 'vitest';
import { hopModelOf, hopTableSchema, HOP_TABLE, type HopTable } from '../projection/hop-latencies.ts';
import { lognormalThrough, simulate, Z99, type OrderPath } from '../projection/simulate.ts';
import { hopsOf, orderPaths, projectOnAws, replacedSegments } from '../projection/project.ts';
import { variantOf } from '../../infra/variants.ts';
import { awsProjectionSchema } from '../results/schema.ts';
import type { TracePoint } from '../../shared/messaging/trace.ts';
import { isProjected, type AwsPath } from '../../shared/variant/aws-hops.ts';

/** A table of two made-up figures, so the expected percentiles follow from the inputs alone. */
const figure = (id: string, p50Ms: number, p99Ms: number) => ({
  id,
  what: id,
  p50Ms,
  p99Ms,
  source: 'https://example.org/figures',
  publisher: 'test',
  asOf: '2026-01-01',
  measured: 'made up for the test',
});
const TABLE: HopTable = hopTableSchema.parse({
  version: '2026-01-01',
  figures: [figure('a', 20, 100), figure('b', 50, 150)],
  hops: [
    { kind: 'sns-sqs-lambda', drawnAs: ['a', 'b'], published: false, note: 'a then b' },
    { kind: 'eventbridge-sqs-lambda', drawnAs: ['b', 'a'], published: false, note: 'b then a' },
    { kind: 'dynamodb-streams-lambda', drawnAs: ['a'], published: true, note: 'a' },
    { kind: 'sfn-standard-lambda-task', drawnAs: ['b'], published: true, note: 'b' },
    { kind: 'temporal-cloud-start-workflow', drawnAs: ['a'], published: true, note: 'a' },
    { kind: 'temporal-cloud-worker-request', drawnAs: ['a'], published: true, note: 'a' },
  ],
});

/** The standard normal CDF (Abramowitz-Stegun 7.1.26, error below 1.5e-7), for the reference densities. */
function phi(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * The reference, by a method independent of the simulation: each hop's lognormal as
 * probability mass on a grid, convolved hop by hop, its percentiles read off the sum.
 */
function convolvedQuantiles(hops: Array<[number, number]>, carriedMs: number, step = 0.25, maxMs = 3000): { p50: number; p99: number } {
  const n = Math.round(maxMs / step);
  let acc = new Float64Array(n);
  acc[0] = 1;
  for (const [p50, p99] of hops) {
    const { mu, sigma } = lognormalThrough(p50, p99);
    const cdf = (x: number) => (x <= 0 ? 0 : phi((Math.log(x) - mu) / sigma));
    const mass = new Float64Array(n);
    // Mass of (i - 1/2, i + 1/2] steps at i: the grid's centre rule.
    for (let i = 0; i < n; i++) mass[i] = cdf((i + 0.5) * step) - cdf((i - 0.5) * step);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (acc[i] === 0) continue;
      for (let j = 0; i + j < n; j++) next[i + j]! += acc[i]! * mass[j]!;
    }
    acc = next;
  }
  const q = (p: number) => {
    let c = 0;
    for (let i = 0; i < n; i++) if ((c += acc[i]!) >= p) return carriedMs + i * step;
    return Infinity;
  };
  return { p50: q(0.5), p99: q(0.99) };
}

/** Within the simulation's own error: twice its 95 % half-width, so a seed that lands in the tails still passes. */
const within = (value: number, ci: [number, number], expected: number) => {
  const half = (ci[1] - ci[0]) / 2;
  expect(Math.abs(value - expected), `${value} vs ${expected} (95 % interval ${ci.join('-')})`).toBeLessThanOrEqual(2 * half + 0.5);
};

describe('AWS projection: the simulation', () => {
  it('fits a lognormal through the published p50 and p99', () => {
    const { mu, sigma } = lognormalThrough(16.2, 105);
    expect(Math.exp(mu)).toBeCloseTo(16.2, 9);
    expect(Math.exp(mu + Z99 * sigma)).toBeCloseTo(105, 9);
    expect(() => lognormalThrough(100, 50)).toThrow(/p50 < p99/);
  });

  it("gives back a single hop's own published p50 and p99, whatever the seed", () => {
    const one: OrderPath[] = [{ carriedMs: 0, hops: { 'dynamodb-streams-lambda': 1 } }];
    for (const seed of [1, 42, 2024]) {
      const s = simulate(one, TABLE, { seed, draws: 40_000 });
      within(s.p50Ms, s.ci95.p50, 20);
      within(s.p99Ms, s.ci95.p99, 100);
    }
  });

  it('matches the numerically convolved percentiles of several hops of two kinds plus a carried-over time', () => {
    // Two SNS->SQS->Lambda hops (a + b each) and one Step Functions task (b): five lognormals summed, plus 37 ms.
    const path: OrderPath[] = [{ carriedMs: 37, hops: { 'sns-sqs-lambda': 2, 'sfn-standard-lambda-task': 1 } }];
    const ref = convolvedQuantiles(
      [
        [20, 100],
        [50, 150],
        [20, 100],
        [50, 150],
        [50, 150],
      ],
      37,
    );
    for (const seed of [3, 77]) {
      const s = simulate(path, TABLE, { seed, draws: 40_000 });
      within(s.p50Ms, s.ci95.p50, ref.p50);
      within(s.p99Ms, s.ci95.p99, ref.p99);
      // The mean of a sum of lognormals is exact: carried + sum of exp(mu + sigma^2 / 2).
      const mean = (p50: number, p99: number) => {
        const { mu, sigma } = lognormalThrough(p50, p99);
        return Math.exp(mu + (sigma * sigma) / 2);
      };
      const expected = 37 + 2 * mean(20, 100) + 3 * mean(50, 150);
      expect(Math.abs(s.meanMs - expected) / expected).toBeLessThan(0.02);
    }
  });

  it('resamples the orders of a run: a mix of short and long paths lands between them', () => {
    const mix: OrderPath[] = [
      { carriedMs: 0, hops: {} },
      { carriedMs: 1000, hops: {} },
    ];
    const s = simulate(mix, TABLE, { seed: 5, draws: 10_000 });
    expect(s.p99Ms).toBe(1000);
    expect(s.meanMs).toBeGreaterThan(450);
    expect(s.meanMs).toBeLessThan(550);
    // Seeded: the same inputs give the same figures.
    expect(simulate(mix, TABLE, { seed: 5, draws: 10_000 })).toEqual(s);
  });
});

describe('AWS projection: the registry paths', () => {
  it('turns an order of n steps into hops of each kind as the variant declares them', () => {
    expect(hopsOf(variantOf('choreography').awsPath as AwsPath, 5)).toEqual({ 'dynamodb-streams-lambda': 1, 'sns-sqs-lambda': 5 });
    expect(hopsOf(variantOf('stepfunctions').awsPath as AwsPath, 8)).toEqual({ 'sfn-standard-lambda-task': 8 });
    // Start, one request to the first activity, two between each of 7 activities, two to close.
    expect(hopsOf(variantOf('temporal').awsPath as AwsPath, 7)).toEqual({
      'temporal-cloud-start-workflow': 1,
      'temporal-cloud-worker-request': 15,
    });
    expect(replacedSegments(variantOf('temporal').awsPath as AwsPath)).toEqual(['submit', 'first-hop', 'hand-off', 'close']);
    expect(replacedSegments(variantOf('stepfunctions').awsPath as AwsPath)).toEqual(['submit', 'first-hop', 'answer', 'hand-off']);
    expect(replacedSegments(variantOf('choreography').awsPath as AwsPath)).toEqual(['first-hop', 'publish', 'hand-off']);
  });

  it('draws the EventBridge choreography on its own bus hop, and leaves a variant without published hops unprojected', () => {
    expect(hopsOf(variantOf('eventbridge').awsPath as AwsPath, 5)).toEqual({ 'dynamodb-streams-lambda': 1, 'eventbridge-sqs-lambda': 5 });
    expect(hopModelOf(HOP_TABLE, 'eventbridge-sqs-lambda').drawnAs).toEqual(['aws-eventbridge-lambda', 'aws-sqs-standard-lambda']);
    expect(isProjected(variantOf('lambda-durable').awsPath)).toBe(false);
    const records = [{ id: 'o', status: 'COMPLETED', start: 0, end: 100 }] as unknown as Parameters<typeof projectOnAws>[1];
    expect(projectOnAws('lambda-durable', records, [], { level: 1, loop: 'closed', seed: 1 })).toBeNull();
  });

  it("carries over exactly the segments the path does not replace, from the order's own breakdown", () => {
    const t = (step: string, start: number, end: number, extra: Partial<TracePoint> = {}): TracePoint => ({
      orderId: 'o',
      step,
      service: step.split(':')[0]!,
      start,
      end,
      ...extra,
    });
    const record = { id: 'o', intendedAt: 0, submittedAt: 0, acceptedAt: 10, terminalAt: 200, status: 'COMPLETED' };
    // submit 10, first-hop 20, two steps of 20 ms with 12 + 4 ms DynamoDB, answers 5 + 6, hand-off 25, close 94.
    const traces = [
      t('orders:recordStatus', 30, 50, { io: { dynamodb: 12 }, answerMs: 5 }),
      t('inventory:reserve', 80, 100, { io: { dynamodb: 4 }, answerMs: 6 }),
    ];
    // Step Functions keeps handler, DynamoDB and close: 24 + 16 + 94.
    expect(orderPaths('stepfunctions', [record], traces)).toEqual([{ carriedMs: 134, hops: { 'sfn-standard-lambda-task': 2 } }]);
    // The choreography keeps submit, handler, DynamoDB, the answers (none there: 11 kept) and close.
    expect(orderPaths('choreography', [record], traces)[0]!.carriedMs).toBe(10 + 24 + 16 + 11 + 94);
    // Temporal replaces submit and close too: 24 + 16 + the answers (none on Temporal: 11 kept).
    expect(orderPaths('temporal', [record], traces)).toEqual([
      { carriedMs: 51, hops: { 'temporal-cloud-start-workflow': 1, 'temporal-cloud-worker-request': 5 } },
    ]);
    // An order that never ended is not projected.
    expect(orderPaths('temporal', [{ ...record, terminalAt: undefined, status: 'LOST' }], traces)).toEqual([]);
  });

  it('writes a labelled projection with every source, valid against the results schema', () => {
    const record = { id: 'o', intendedAt: 0, submittedAt: 0, acceptedAt: 10, terminalAt: 60, status: 'COMPLETED' };
    const p = projectOnAws(
      'choreography',
      [record],
      [{ orderId: 'o', step: 'inventory:OrderPlaced', service: 'inventory', start: 20, end: 50 }],
      {
        level: 1,
        loop: 'closed',
        seed: 9,
        draws: 2000,
      },
    )!;
    expect(awsProjectionSchema.parse(p)).toEqual(p);
    expect(p.label).toBe('PROJECTION');
    expect(p.sources.map((s) => s.id).sort()).toEqual([
      'aws-dynamodb-streams-lambda',
      'aws-sns-standard-lambda',
      'aws-sqs-standard-lambda',
    ]);
    expect(p.hops.find((h) => h.kind === 'sns-sqs-lambda')).toMatchObject({ published: false, perOrderMean: 1 });
    for (const s of p.sources) expect(s.source).toMatch(/^https:\/\//);
    expect(projectOnAws('choreography', [], [], { level: 1, loop: 'closed', seed: 9 })).toBeNull();
  });

  it('the shipped table cites a page and a date for every figure and models every hop kind', () => {
    expect(hopTableSchema.safeParse(HOP_TABLE).success).toBe(true);
    const broken = { ...HOP_TABLE, hops: HOP_TABLE.hops.slice(1) };
    expect(hopTableSchema.safeParse(broken).error?.issues.map((i) => i.message)).toContain('no model for hop kind sns-sqs-lambda');
    const unknown = { ...HOP_TABLE, hops: [{ ...HOP_TABLE.hops[0]!, drawnAs: ['nope'] }, ...HOP_TABLE.hops.slice(1)] };
    expect(hopTableSchema.safeParse(unknown).error?.issues.map((i) => i.message)).toContain('no published figure nope');
  });
});
