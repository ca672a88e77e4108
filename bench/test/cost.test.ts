import { describe, expect, it } from 'vitest';
import type { OperationCount } from '../../shared/aws/metering.ts';
import { SERVICES as AWS_CLIENT_SERVICES } from '../../shared/aws/clients.ts';
import { estimateCost, SERVICE_RULES, unpricedClientServices, usageSampleSchema, type UsageSample } from '../cost/model.ts';
import { billMonth, projectMonthly, projectionVolumes, tieredUsd } from '../cost/monthly.ts';
import { PRICE_TABLE, validatePriceTable, type PriceTable } from '../cost/prices.ts';

const op = (service: string, operation: string, o: Partial<OperationCount> & { calls: number }): OperationCount => ({
  service,
  operation,
  errors: 0,
  throttles: 0,
  requestBytes: 100 * o.calls,
  responseBytes: 100 * o.calls,
  billingChunks: o.calls,
  readCapacityUnits: 0,
  writeCapacityUnits: 0,
  billedCapacityUnits: 0,
  items: 0,
  polling: false,
  ...o,
});

const KIB = 1024;

/**
 * Hand-computed fixtures: known counts for 100 orders per variant, billed by hand in
 * the comments (us-east-1 list prices of the 2026-11-30 table) and checked to the cent.
 */
const choreography: UsageSample = {
  variant: 'choreography',
  orders: 100,
  metered: [
    // The consumers' long polls and the publisher's outbox query: time-based, never billed per order.
    op('sqs', 'ReceiveMessage', { calls: 500, items: 900, polling: true }),
    op('sqs', 'DeleteMessageBatch', { calls: 300, polling: true }),
    op('dynamodb', 'Query', { calls: 1300, billedCapacityUnits: 1300, polling: true }),
    op('sqs', 'ChangeMessageVisibility', { calls: 10 }),
    op('sns', 'Publish', { calls: 700 }),
    op('dynamodb', 'TransactWriteItems', { calls: 100, billedCapacityUnits: 400, items: 200 }),
    op('dynamodb', 'PutItem', { calls: 400, billedCapacityUnits: 400 }),
    op('dynamodb', 'Query', { calls: 300, billedCapacityUnits: 300 }),
    op('lambda', 'Invoke', { calls: 900 }),
    op('lambda', 'InvokeOutboxPublisher', { calls: 200 }),
  ],
  lambda: { tracedRuns: 900, durationMsTotal: 9000, memoryMb: 256, arch: 'arm64' },
};
// Per order: SQS 0.1 + 2 × 9 (event source mapping receive + delete) = 18.1 requests; SNS 7;
// DynamoDB 8 WRU, 3 RRU; Lambda 11 invocations × 10 ms × 0.25 GB = 0.0275 GB-s.
// Per 1M orders: 7.24 + 3.50 + 5.00 + 0.375 + 2.20 + 27,500 × 0.0000133334 (0.3666685) = $18.6816685.
// Fixed: 5 queues × 5 pollers × 730 h × 3600 / 20 s = 3,285,000 requests × $0.40/M = $1.314.

const stepFunctions: UsageSample = {
  variant: 'stepfunctions',
  orders: 100,
  metered: [
    // The local callback queue (AWS invokes Lambda instead) and the free API calls.
    op('sqs', 'ReceiveMessage', { calls: 800, items: 750 }),
    op('sfn', 'SendTaskSuccess', { calls: 700 }),
    op('sfn', 'StartExecution', { calls: 100 }),
    op('dynamodb', 'PutItem', { calls: 500, billedCapacityUnits: 500 }),
    op('dynamodb', 'UpdateItem', { calls: 300, billedCapacityUnits: 300 }),
    op('dynamodb', 'GetItem', { calls: 200, billedCapacityUnits: 200 }),
  ],
  stepFunctions: {
    type: 'STANDARD',
    executions: 100,
    transitions: 1200,
    taskAttempts: 750,
    logBytes: 100 * 4 * KIB,
    durationMsTotal: 200_000,
  },
  lambda: { tracedRuns: 750, durationMsTotal: 15_000, memoryMb: 256, arch: 'arm64' },
};
// Per 1M orders: transitions 12M × $0.025/1000 = 300; DynamoDB 8M WRU = 5, 2M RRU = 0.25;
// Lambda 7.5M × 0.2 = 1.50, 7.5 × 20 ms × 0.25 GB × 1M = 37,500 GB-s × 0.0000133334 = 0.5000025;
// X-Ray 1M traces × $5/M = 5; logs 1M × 4 KiB = 3.814697265625 GB × $0.50 = 1.9073486328125.
// Total $314.1573511328125; no fixed cost.

const temporal: UsageSample = {
  variant: 'temporal',
  orders: 100,
  metered: [
    op('dynamodb', 'PutItem', { calls: 500, billedCapacityUnits: 500 }),
    op('dynamodb', 'UpdateItem', { calls: 300, billedCapacityUnits: 300 }),
    op('dynamodb', 'GetItem', { calls: 200, billedCapacityUnits: 200 }),
  ],
  temporal: { actions: 900, workflows: 100, historyBytes: 100 * 10 * KIB, openMsTotal: 100 * 1000 },
};
// Per order: 9 actions; 10 KiB of history (9.5367431640625e-6 GB) open 1 s, then retained 30 days
// (720 h): 0.006866455078125 GB-h. Fixed: Fargate 730 × (0.5 × 0.04048 + 1 × 0.004445) = 18.01985
// + IPv4 730 × 0.005 = 3.65: $21.67005.

const cents = (x: number) => Math.round(x * 100) / 100;
const bill = (s: UsageSample, v: number, o = {}) => cents(billMonth(estimateCost(s, PRICE_TABLE, o), v, PRICE_TABLE, o).totalUsd);

describe('estimateCost: per order at list price', () => {
  it('choreography: polling left off, event source mappings per message, invocations with the publisher', () => {
    const e = estimateCost(choreography);
    expect(e.perMillionOrdersUsd).toBeCloseTo(18.6816685, 6);
    const line = (item: RegExp) => e.breakdown.find((l) => item.test(l.item));
    expect(line(/event source mapping/)?.count).toBeCloseTo(18e6, 3);
    expect(line(/^invocations/)?.count).toBeCloseTo(11e6, 3);
    expect(e.fixed.map((f) => [f.priceId, cents(f.usdPerMonth)])).toEqual([['sqs-esm-idle-request', 1.31]]);
    expect(e.notes.join('\n')).toMatch(
      /Time-based local polling left off.*dynamodb\.Query×1300, sqs\.DeleteMessageBatch×300, sqs\.ReceiveMessage×500/,
    );
  });

  it('eventbridge: the SNS publishes become PutEvents entries, each 64 KB chunk one event at $1.00/M', () => {
    // The same counts, the 700 publishes put as 400 PutEvents calls carrying 700 entries, 20 of them over 64 KB (2 chunks each).
    const onBus: UsageSample = {
      ...choreography,
      variant: 'eventbridge',
      metered: [
        ...choreography.metered.filter((c) => c.service !== 'sns'),
        op('events', 'PutEvents', { calls: 400, items: 700, billingChunks: 720 }),
        op('events', 'PutRule', { calls: 6 }),
      ],
    };
    const e = estimateCost(onBus);
    // Per 1M orders: 7.2M events × $1.00/M = 7.20 in place of SNS's 3.50.
    expect(e.perMillionOrdersUsd).toBeCloseTo(18.6816685 - 3.5 + 7.2, 6);
    expect(e.breakdown.find((l) => l.priceId === 'eventbridge-custom-event')).toMatchObject({ service: 'events', count: 7.2e6 });
    expect(e.notes.join('\n')).toMatch(/Management calls excluded.*events\.PutRule×6/);
  });

  it('lambda-durable: durable operations, data written and retained, and one invocation per execution plus one per retry', () => {
    const durable: UsageSample = {
      variant: 'lambda-durable',
      orders: 100,
      metered: [op('dynamodb', 'PutItem', { calls: 800, billedCapacityUnits: 800 })],
      // 100 executions of 9 step attempts, 20 of them retries; 1 GiB checkpointed in all.
      durable: { executions: 100, operations: 900, retries: 20, dataWrittenBytes: 1024 ** 3 },
      lambda: { tracedRuns: 900, durationMsTotal: 9000, memoryMb: 256, arch: 'arm64' },
    };
    const e = estimateCost(durable, PRICE_TABLE, { retentionDays: 30 });
    const line = (id: string) => e.breakdown.find((l) => l.priceId === id);
    // Per 1M orders: 9M operations × $8/M = 72; 10,000 GB written × $0.25 = 2,500; retained 10,000 GB × 30/30.4167 months × $0.15;
    // 1.2M invocations × $0.20/M = 0.24; duration: every step's 10 ms (9M × 10 ms × 0.25 GB), the steps run inside the invocations; DynamoDB 8M WRU = 5.
    expect(line('lambda-durable-operation')?.count).toBeCloseTo(9e6, 3);
    expect(line('lambda-durable-data-written')?.usdPerMillionOrders).toBeCloseTo(2500, 6);
    expect(line('lambda-durable-data-retained')?.usdPerMillionOrders).toBeCloseTo(10_000 * (30 / (730 / 24)) * 0.15, 6);
    expect(line('lambda-request')?.count).toBeCloseTo(1.2e6, 3);
    expect(line('lambda-gb-second-arm64')?.count).toBeCloseTo(9e6 * 0.01 * 0.25, 3);
    expect(() => estimateCost({ ...durable, durable: undefined })).toThrow(/needs durable usage/);
  });

  it('the same counts with any amount of polling cost the same per order', () => {
    const busier = {
      ...choreography,
      metered: choreography.metered.map((c) => (c.polling ? { ...c, calls: c.calls * 7, billingChunks: c.billingChunks * 7 } : c)),
    };
    expect(estimateCost(busier).perMillionOrdersUsd).toBe(estimateCost(choreography).perMillionOrdersUsd);
  });

  it('step functions: the local queue and API calls left off, task attempts as invocations, traces and logs', () => {
    const e = estimateCost(stepFunctions);
    expect(e.perMillionOrdersUsd).toBeCloseTo(314.1573511328, 6);
    expect(e.fixed).toEqual([]);
    expect(e.notes.join('\n')).toMatch(/Left off: sqs: locally the tasks travel/);
    expect(e.notes.join('\n')).toMatch(/Not billed by AWS: sfn\.SendTaskSuccess×700, sfn\.StartExecution×100/);
  });

  it('step functions EXPRESS (what-if): requests plus 64 MB duration in 100 ms steps', () => {
    // 1M requests = $1; 2,000 ms × 64/1024 GB = 0.125 GB-s per order → 125,000 × $0.00001667 = 2.08375;
    // plus DynamoDB 5.25, Lambda 2.0000025, X-Ray 5, logs 1.9073486328125 = $17.2411011328125.
    const e = estimateCost({ ...stepFunctions, stepFunctions: { ...stepFunctions.stepFunctions!, type: 'EXPRESS' } });
    expect(e.perMillionOrdersUsd).toBeCloseTo(17.2411011328, 6);
  });

  it('temporal: actions and storage per order, the worker as fixed lines', () => {
    const e = estimateCost(temporal);
    // 450 + 5 + 0.25 + active 0.000111262 + retained 6,866.455078125 GB-h × 0.00105 (7.20977783203125)
    expect(e.perMillionOrdersUsd).toBeCloseTo(462.45988909, 6);
    expect(cents(e.fixed.reduce((s, f) => s + f.usdPerMonth, 0))).toBe(21.67);
    expect(e.fixed.map((f) => f.priceId)).toEqual(['fargate-vcpu-hour-x86_64', 'fargate-gb-hour-x86_64', 'vpc-public-ipv4-hour']);
  });

  it('refuses a service with no billing rule, naming where to add one', () => {
    const s = { ...temporal, metered: [...temporal.metered, op('kinesis', 'PutRecord', { calls: 5 })] };
    expect(() => estimateCost(s)).toThrow(/no billing rule for service kinesis: add one to SERVICE_RULES in bench\/cost\/model\.ts/);
  });

  it("has a rule for every service a variant's AWS clients can call", () => {
    expect(unpricedClientServices()).toEqual([]);
    for (const s of AWS_CLIENT_SERVICES) expect(SERVICE_RULES[s]).toBeTypeOf('function');
  });
});

describe('billMonth: the bill at 1k, 1M and 100M orders a month, to the cent', () => {
  it('choreography', () => {
    // v × 18.6816685e-6 + 1.314
    expect([bill(choreography, 1e3), bill(choreography, 1e6), bill(choreography, 1e8)]).toEqual([1.33, 20.0, 1869.48]);
    // Free tier at 1M: SQS 17.1M (6.84), SNS 6M (3.00), Lambda 10M (2.00), 27,500 GB-s under 400,000 (0), DynamoDB 5.375: + 1.314
    expect(bill(choreography, 1e6, { freeTier: true })).toBe(18.53);
  });

  it('step functions', () => {
    expect([bill(stepFunctions, 1e3), bill(stepFunctions, 1e6), bill(stepFunctions, 1e8)]).toEqual([0.31, 314.16, 31415.74]);
    // Free tier at 1k: 12,000 − 4,000 transitions (0.20) + DynamoDB 0.00525; the rest inside its allowance.
    expect(bill(stepFunctions, 1e3, { freeTier: true })).toBe(0.21);
  });

  it('temporal on the Business plan (the default): included actions, volume steps, the greater-of fee', () => {
    // 1k: everything inside the plan's allowance; fee $500; DynamoDB 0.00525; fixed 21.67005.
    // 1M: 9M − 2.5M included = 6.5M actions: 5M × 50 + 1.5M × 45 = 317.5; fee max(500, 31.75) = 500; + 5.25 + 21.67005.
    // 100M: 897.5M actions: 250 + 225 + 400 + 1050 + 1500 + 797.5M × 25 (19,937.5) = 23,362.5;
    //   retained 686,645.51 − 74,400 included GB-h = 612,245.51 × 0.00105 = 642.8578; fee 10% of 24,005.3578 = 2,400.5358;
    //   DynamoDB 525; fixed 21.67005: $26,952.56.
    expect([bill(temporal, 1e3), bill(temporal, 1e6), bill(temporal, 1e8)]).toEqual([521.68, 844.42, 26952.56]);
  });

  it('temporal on the Developer plan: no minimum, flat $50/M, 10% of consumption', () => {
    // 1M: 450 + retained 7.20977783 + active 0.00011126 = 457.2098891; fee 45.7209889; + 5.25 + 21.67005
    expect(bill(temporal, 1e6, { temporalPlan: 'developer' })).toBe(529.85);
    expect(() => bill(temporal, 1e6, { temporalPlan: 'gold' })).toThrow(
      /not a Temporal Cloud plan of the price table \(business, developer\)/,
    );
  });

  it('steps through volume tiers one by one', () => {
    const action = PRICE_TABLE.prices.find((p) => p.id === 'temporal-cloud-action')!;
    expect(tieredUsd(action, 11.25e6)).toBeCloseTo(525, 9); // the pricing page's own example
    expect(tieredUsd(action, 11.25e6, true)).toBeCloseTo(562.5, 9);
    expect(tieredUsd(action, -5)).toBe(0);
  });
});

describe('projectMonthly', () => {
  const series = [
    { series: 'choreography', estimate: estimateCost(choreography) },
    { series: 'stepfunctions', estimate: estimateCost(stepFunctions) },
    { series: 'temporal', estimate: estimateCost(temporal) },
  ];

  it('bills every volume from 1k to 100M and finds where the cheapest changes', () => {
    const p = projectMonthly(series);
    expect(p.rows.map((r) => r.ordersPerMonth)).toEqual(projectionVolumes());
    expect(p.rows[0]!.ordersPerMonth).toBe(1e3);
    expect(p.rows.at(-1)!.ordersPerMonth).toBe(1e8);
    // choreography 1.314 + 18.6816685e-6 v meets stepfunctions 314.1573511e-6 v at v = 1.314 / 295.4756826e-6 = 4,447.07
    expect(p.crossovers).toHaveLength(2);
    expect(p.crossovers[0]).toMatchObject({ a: 'choreography', b: 'stepfunctions', cheaperAbove: 'choreography' });
    expect(p.crossovers[0]!.ordersPerMonth).toBeCloseTo(4447.07, 1);
    // Step Functions' straight line meets Temporal's stepped one (volume discounts, the 10% fee) at about 17.03M:
    // where it is found, the two bills agree to the cent.
    const [, sfnTemporal] = p.crossovers;
    expect(sfnTemporal).toMatchObject({ a: 'stepfunctions', b: 'temporal', cheaperAbove: 'temporal' });
    const at = sfnTemporal!.ordersPerMonth;
    expect(at).toBeCloseTo(17_028_570, -2);
    expect(bill(stepFunctions, at)).toBeCloseTo(bill(temporal, at), 1);
    expect(bill(stepFunctions, at * 0.99)).toBeLessThan(bill(temporal, at * 0.99));
    expect(bill(stepFunctions, at * 1.01)).toBeGreaterThan(bill(temporal, at * 1.01));
    expect(p.fixedMonthlyUsd).toEqual({ choreography: expect.closeTo(1.314, 9), stepfunctions: 0, temporal: expect.closeTo(521.67005, 9) });
    expect(p.bills.find((b) => b.series === 'temporal' && b.ordersPerMonth === 1e6)!.lines[0]).toMatchObject({ kind: 'plan', usd: 500 });
    expect(() => projectMonthly([series[0]!, series[0]!])).toThrow(/given twice/);
  });
});

describe('price table', () => {
  it('the published table is valid, every entry on a provider page with the date read', () => {
    expect(validatePriceTable(PRICE_TABLE)).toEqual([]);
    for (const p of [...PRICE_TABLE.prices, ...PRICE_TABLE.temporalPlans]) {
      expect(new URL(p.source).hostname).toMatch(/(^|\.)(aws\.amazon\.com|temporal\.io)$/);
      expect(p.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(JSON.stringify(PRICE_TABLE)).not.toMatch(/shared\/notes|published-figures/);
  });

  it('catches a bad entry', () => {
    const [first, second] = PRICE_TABLE.prices;
    const bad = {
      ...PRICE_TABLE,
      prices: [
        first!,
        { ...first!, description: 'copy' },
        { ...second!, usd: 0 },
        { ...second!, id: 'blog', source: 'https://example-blog.com/aws-prices' },
        { ...second!, id: 'no-url', source: 'the AWS page' },
        { ...second!, id: 'bad-date', asOf: '2026-13-01' },
        { ...second!, id: 'future', asOf: '2027-01-01' },
        {
          ...second!,
          id: 'tiers',
          tiers: [
            { fromUnits: 5, usd: 1 },
            { fromUnits: 1, usd: 0.5 },
          ],
        },
      ],
    };
    const problems = validatePriceTable(bad).join('\n');
    expect(problems).toMatch(/prices\.1\.id: duplicate price id sqs-standard-request/);
    expect(problems).toMatch(/prices\.2\.usd/);
    expect(problems).toMatch(/prices\.3\.source: must be the provider's official pricing page/);
    expect(problems).toMatch(/prices\.4\.source/);
    expect(problems).toMatch(/prices\.5\.asOf/);
    expect(problems).toMatch(/prices\.6\.asOf: asOf 2027-01-01 is after table version/);
    expect(problems).toMatch(/prices\.7\.tiers: the first tier starts at 0/);
    expect(problems).toMatch(/prices\.7\.tiers: tiers must start at increasing volumes/);
    expect(() => estimateCost(temporal, bad as PriceTable)).toThrow(/invalid price table/);
  });

  it('refuses to estimate with a price it does not have', () => {
    const noSns: PriceTable = { ...PRICE_TABLE, prices: PRICE_TABLE.prices.filter((p) => p.id !== 'sns-standard-publish') };
    expect(() => estimateCost(choreography, noSns)).toThrow(/has no price sns-standard-publish/);
  });
});

describe('usageSampleSchema', () => {
  it('accepts a sample stored as JSON', () => {
    expect(usageSampleSchema.parse(JSON.parse(JSON.stringify(temporal)))).toEqual(temporal);
  });

  it.each([
    ['zero orders', { ...temporal, orders: 0 }, /orders/],
    ['negative calls', { ...temporal, metered: [op('sqs', 'SendMessage', { calls: -1, billingChunks: 0 })] }, /metered\.0\.calls/],
    ['fewer chunks than calls', { ...temporal, metered: [op('sqs', 'SendMessage', { calls: 3, billingChunks: 0 })] }, /billingChunks/],
    ['unknown variant', { ...temporal, variant: 'kafka' }, /variant/],
    ['stepfunctions without usage', { ...stepFunctions, stepFunctions: undefined }, /stepFunctions/],
    ['choreography without lambda usage', { ...choreography, lambda: undefined }, /lambda/],
    [
      'EXPRESS without duration',
      { ...stepFunctions, stepFunctions: { ...stepFunctions.stepFunctions!, type: 'EXPRESS', durationMsTotal: undefined } },
      /durationMsTotal/,
    ],
  ])('rejects %s', (_name, bad, field) => {
    const r = usageSampleSchema.safeParse(JSON.parse(JSON.stringify(bad)));
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toMatch(field);
  });
});
