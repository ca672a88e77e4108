import { describe, expect, it } from 'vitest';
import type { OperationCount } from '../../shared/aws/metering.ts';
import { estimateCost, fargateMonthlyUsd, projectMonthly, usageSampleSchema, type CostEstimate, type UsageSample } from '../cost/model.ts';
import { PRICE_TABLE, validatePriceTable, type PriceTable } from '../cost/prices.ts';

// Every expected figure is worked out by hand in the comment above it, from the
// prices in PRICE_TABLE; none is copied from the model's output.

const op = (service: string, operation: string, c: Partial<OperationCount> = {}): OperationCount => {
  const calls = c.calls ?? 0;
  return {
    service,
    operation,
    calls,
    errors: 0,
    throttles: 0,
    requestBytes: 0,
    responseBytes: 0,
    billingChunks: calls,
    readCapacityUnits: 0,
    writeCapacityUnits: 0,
    ...c,
  };
};
const sample = (s: Partial<UsageSample> & Pick<UsageSample, 'orders' | 'metered'>): UsageSample => ({ variant: 'choreography', ...s });
const line = (e: CostEstimate, service: string, item: string) => {
  const l = e.breakdown.find((b) => b.service === service && b.item === item);
  if (!l) throw new Error(`no ${service} ${item} line in ${JSON.stringify(e.breakdown)}`);
  return l;
};

describe('estimateCost', () => {
  it('bills every SQS call by 64 KB chunk, empty receives and failed calls included', () => {
    const e = estimateCost(
      sample({
        orders: 10,
        metered: [
          // 40 sends, 2 of them 100 KB (2 chunks each): 38 + 2×2 = 42 chunks
          op('sqs', 'SendMessage', { calls: 40, billingChunks: 42 }),
          // 30 receives, 10 of them empty: still 30 requests
          op('sqs', 'ReceiveMessage', { calls: 30 }),
          op('sqs', 'DeleteMessageBatch', { calls: 5 }),
          op('sqs', 'ChangeMessageVisibility', { calls: 3, errors: 1 }),
        ],
      }),
    );
    // SendMessage: 42 / 10 orders × 1e6 = 4.2M requests × $0.40/M = $1.68
    expect(line(e, 'sqs', 'SendMessage').count).toBeCloseTo(4_200_000, 6);
    expect(line(e, 'sqs', 'SendMessage').usdPerMillionOrders).toBeCloseTo(1.68, 9);
    // ReceiveMessage: 30 / 10 × 1e6 = 3M × $0.40/M = $1.20
    expect(line(e, 'sqs', 'ReceiveMessage').usdPerMillionOrders).toBeCloseTo(1.2, 9);
    // all: (42 + 30 + 5 + 3) = 80 chunks / 10 × 1e6 = 8M × $0.40/M = $3.20; per order $0.0000032
    expect(e.perMillionOrdersUsd).toBeCloseTo(3.2, 9);
    expect(e.perOrderUsd).toBeCloseTo(0.0000032, 15);
    // sorted by cost: SendMessage $1.68, ReceiveMessage $1.20, DeleteMessageBatch $0.20, ChangeMessageVisibility $0.12
    expect(e.breakdown.map((b) => b.item)).toEqual(['SendMessage', 'ReceiveMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility']);
    expect(e.notes.join('\n')).toMatch(/1 failed SQS\/SNS requests are included/);
    expect(e.priceTableVersion).toBe('2026-11-23');
  });

  it('bills SNS publishes by chunk and nothing for subscriptions or delivery', () => {
    const e = estimateCost(
      sample({
        orders: 100,
        metered: [
          // 100 publishes, one of 200 KB = ceil(200/64) = 4 chunks: 99 + 4 = 103
          op('sns', 'Publish', { calls: 100, billingChunks: 103 }),
          op('sns', 'PublishBatch', { calls: 10 }),
          op('sns', 'Subscribe', { calls: 3 }),
          op('sns', 'CreateTopic', { calls: 2 }),
          // neither a publish nor a listed management call: named, not billed
          op('sns', 'CheckIfPhoneNumberIsOptedOut', { calls: 1 }),
        ],
      }),
    );
    // (103 + 10) / 100 orders × 1e6 = 1.13M × $0.50/M = $0.565
    expect(e.perMillionOrdersUsd).toBeCloseTo(0.565, 9);
    expect(line(e, 'sns', 'Publish').count).toBeCloseTo(1_030_000, 6);
    expect(e.breakdown).toHaveLength(2);
    expect(e.notes.join('\n')).toMatch(/No price rule, NOT in the estimate: sns\.CheckIfPhoneNumberIsOptedOut×1/);
  });

  it('bills DynamoDB at least the per-call minimum when the emulator reports less, and reported units when more', () => {
    const e = estimateCost(
      sample({
        orders: 10,
        metered: [
          // moto reports UpdateItem as 0.5 unit: 20 calls → 10 reported; minimum 20 × 1 = 20 WRU
          op('dynamodb', 'UpdateItem', { calls: 20, writeCapacityUnits: 10 }),
          // 3 KB items really cost 3 units each: 30 reported > 10 × 1, so 30 WRU
          op('dynamodb', 'PutItem', { calls: 10, writeCapacityUnits: 30 }),
          // 12 deletes, 2 throttled (not billed): max(0, 10 × 1) = 10 WRU
          op('dynamodb', 'DeleteItem', { calls: 12, errors: 2, throttles: 2 }),
          // 40 reads, none reported: 40 × 0.5 = 20 RRU
          op('dynamodb', 'GetItem', { calls: 40 }),
          // 10 queries reporting 15 > 10 × 0.5, so 15 RRU
          op('dynamodb', 'Query', { calls: 10, readCapacityUnits: 15 }),
        ],
      }),
    );
    // UpdateItem 20 / 10 × 1e6 = 2M WRU × $0.625/M = $1.25
    expect(line(e, 'dynamodb', 'UpdateItem').usdPerMillionOrders).toBeCloseTo(1.25, 9);
    // PutItem 30 / 10 × 1e6 = 3M × $0.625/M = $1.875
    expect(line(e, 'dynamodb', 'PutItem').usdPerMillionOrders).toBeCloseTo(1.875, 9);
    // DeleteItem 10 / 10 × 1e6 = 1M × $0.625/M = $0.625
    expect(line(e, 'dynamodb', 'DeleteItem').usdPerMillionOrders).toBeCloseTo(0.625, 9);
    // GetItem 20 / 10 × 1e6 = 2M RRU × $0.125/M = $0.25
    expect(line(e, 'dynamodb', 'GetItem').usdPerMillionOrders).toBeCloseTo(0.25, 9);
    // Query 15 / 10 × 1e6 = 1.5M × $0.125/M = $0.1875
    expect(line(e, 'dynamodb', 'Query').usdPerMillionOrders).toBeCloseTo(0.1875, 9);
    // 1.25 + 1.875 + 0.625 + 0.25 + 0.1875 = $4.1875
    expect(e.perMillionOrdersUsd).toBeCloseTo(4.1875, 9);
    expect(e.notes.join('\n')).toMatch(/2 throttled DynamoDB requests are not billed/);
  });

  it('bills a DynamoDB transaction double', () => {
    const e = estimateCost(
      sample({
        orders: 10,
        metered: [
          // 10 transactions, moto reports 5 units: minimum 10 × 2 = 20 WRU
          op('dynamodb', 'TransactWriteItems', { calls: 10, writeCapacityUnits: 5 }),
          // 5 transactional reads, none reported: 5 × 2 = 10 RRU
          op('dynamodb', 'TransactGetItems', { calls: 5 }),
        ],
      }),
    );
    // 20 / 10 × 1e6 = 2M WRU × $0.625/M = $1.25
    expect(line(e, 'dynamodb', 'TransactWriteItems').usdPerMillionOrders).toBeCloseTo(1.25, 9);
    // 10 / 10 × 1e6 = 1M RRU × $0.125/M = $0.125
    expect(line(e, 'dynamodb', 'TransactGetItems').usdPerMillionOrders).toBeCloseTo(0.125, 9);
  });

  it('bills Step Functions STANDARD by transitions and not its API calls', () => {
    const e = estimateCost({
      variant: 'stepfunctions',
      orders: 1000,
      stepFunctions: { type: 'STANDARD', executions: 1000, transitions: 11_500 },
      metered: [
        op('sfn', 'StartExecution', { calls: 1000 }),
        op('sfn', 'SendTaskSuccess', { calls: 5000 }),
        op('sfn', 'CreateStateMachine', { calls: 1 }),
      ],
    });
    // 11,500 / 1000 orders × 1e6 = 11.5M transitions × $0.025/1000 = $287.50
    expect(e.breakdown).toHaveLength(1);
    expect(line(e, 'sfn', 'state transitions').count).toBeCloseTo(11_500_000, 6);
    expect(e.perMillionOrdersUsd).toBeCloseTo(287.5, 9);
    expect(e.notes.join('\n')).toMatch(/not billed separately by AWS, excluded: sfn\.SendTaskSuccess×5000, sfn\.StartExecution×1000/);
  });

  it('bills Step Functions EXPRESS per request plus 64 MB GB-seconds in 100 ms increments', () => {
    const express = (durationMsTotal: number) =>
      estimateCost({
        variant: 'stepfunctions',
        orders: 200,
        stepFunctions: { type: 'EXPRESS', executions: 200, transitions: 0, durationMsTotal },
        metered: [],
      });
    // average 46,000 / 200 = 230 ms → billed 300 ms; 200 × 0.3 s × 0.0625 GB = 3.75 GB-s
    // per 1M: 3.75 × (1e6 / 200) = 18,750 GB-s × $0.00001667 = $0.3125625
    const e = express(200 * 230);
    expect(line(e, 'sfn', 'express duration (64 MB)').count).toBeCloseTo(18_750, 6);
    expect(line(e, 'sfn', 'express duration (64 MB)').usdPerMillionOrders).toBeCloseTo(0.3125625, 9);
    // requests: 200 / 200 × 1e6 = 1M × $1.00/M = $1.00; total $1.3125625
    expect(e.perMillionOrdersUsd).toBeCloseTo(1.3125625, 9);
    // exactly 300 ms stays 300 ms: same 18,750 GB-s
    expect(line(express(200 * 300), 'sfn', 'express duration (64 MB)').count).toBeCloseTo(18_750, 6);
  });

  it('bills Lambda requests plus GB-seconds at the architecture price', () => {
    const lambda = (arch: 'x86_64' | 'arm64') =>
      estimateCost(
        sample({
          orders: 100,
          metered: [],
          // average 20,600 / 500 = 41.2 ms → 42 ms; 500 × 0.042 s × 512/1024 GB = 10.5 GB-s per 100 orders
          lambda: { invocations: 500, durationMsTotal: 500 * 41.2, memoryMb: 512, arch },
        }),
      );
    const x86 = lambda('x86_64');
    const arm = lambda('arm64');
    // requests: 500 / 100 × 1e6 = 5M × $0.20/M = $1.00
    expect(line(x86, 'lambda', 'invocations').usdPerMillionOrders).toBeCloseTo(1, 9);
    // 10.5 × 1e4 = 105,000 GB-s; x86 × $0.0000166667 = $1.7500035; arm × $0.0000133334 = $1.400007
    expect(line(x86, 'lambda', 'duration x86_64 (512 MB)').count).toBeCloseTo(105_000, 6);
    expect(line(x86, 'lambda', 'duration x86_64 (512 MB)').usdPerMillionOrders).toBeCloseTo(1.7500035, 9);
    expect(line(arm, 'lambda', 'duration arm64 (512 MB)').usdPerMillionOrders).toBeCloseTo(1.400007, 9);
    expect(x86.perMillionOrdersUsd).toBeCloseTo(2.7500035, 9);
    expect(arm.perMillionOrdersUsd).toBeCloseTo(2.400007, 9);
  });

  it('bills Temporal Cloud actions at the flat rate and says tiers are not modelled', () => {
    // 50 orders × (1 start + 5 activities) = 300 actions → 6M per 1M orders × $50/M = $300
    const e = estimateCost({ variant: 'temporal', orders: 50, temporal: { actions: 300 }, metered: [] });
    expect(e.perMillionOrdersUsd).toBeCloseTo(300, 9);
    expect(e.notes.join('\n')).toMatch(/volume tiers/);
  });

  it('excludes management calls in every service, by name and not by prefix', () => {
    const e = estimateCost(
      sample({
        orders: 10,
        metered: [
          op('sqs', 'CreateQueue', { calls: 5 }),
          op('sqs', 'GetQueueAttributes', { calls: 3 }),
          op('sqs', 'SetQueueAttributes', { calls: 2 }),
          op('sns', 'CreateTopic', { calls: 2 }),
          op('sns', 'Subscribe', { calls: 4 }),
          op('dynamodb', 'CreateTable', { calls: 6 }),
          op('dynamodb', 'DescribeTable', { calls: 2 }),
          op('sfn', 'CreateStateMachine', { calls: 1 }),
          // starts with Delete but is per-order work: 10 / 10 × 1e6 = 1M × $0.40/M = $0.40
          op('sqs', 'DeleteMessage', { calls: 10 }),
          op('s3', 'PutObject', { calls: 7 }),
        ],
      }),
    );
    expect(e.breakdown.map((b) => b.item)).toEqual(['DeleteMessage']);
    expect(e.perMillionOrdersUsd).toBeCloseTo(0.4, 9);
    const notes = e.notes.join('\n');
    expect(notes).toMatch(/Management calls excluded.*dynamodb\.CreateTable×6.*sqs\.CreateQueue×5/);
    expect(notes).toMatch(/No price rule, NOT in the estimate: s3\.PutObject×7/);
  });

  it('adds up repeated entries of one operation (merged meters)', () => {
    // (4 + 6) / 10 × 1e6 = 1M × $0.40/M = $0.40
    const e = estimateCost(
      sample({ orders: 10, metered: [op('sqs', 'SendMessage', { calls: 4 }), op('sqs', 'SendMessage', { calls: 6 })] }),
    );
    expect(e.breakdown).toHaveLength(1);
    expect(e.perMillionOrdersUsd).toBeCloseTo(0.4, 9);
  });
});

describe('projectMonthly', () => {
  // choreography: 0 + 0.0002 v; temporal: 30 + 0.00005 v; stepfunctions: 10 + 0.0002 v
  const series = [
    { variant: 'choreography', perOrderUsd: 0.0002 },
    { variant: 'temporal', perOrderUsd: 0.00005, fixedMonthlyUsd: 30 },
    { variant: 'stepfunctions', perOrderUsd: 0.0002, fixedMonthlyUsd: 10 },
  ];

  it('projects each line at each volume', () => {
    const p = projectMonthly(series);
    expect(p.rows.map((r) => r.ordersPerMonth)).toEqual([1e3, 1e4, 1e5, 1e6, 1e7, 1e8]);
    // at 1e6: 0.0002 × 1e6 = 200; 30 + 0.00005 × 1e6 = 80; 10 + 200 = 210
    const at1M = p.rows[3]!.usdByVariant;
    expect(at1M.choreography).toBeCloseTo(200, 9);
    expect(at1M.temporal).toBeCloseTo(80, 9);
    expect(at1M.stepfunctions).toBeCloseTo(210, 9);
  });

  it('finds where lines cross, and none for parallel lines', () => {
    const p = projectMonthly(series, [1e5]);
    // choreography/temporal: 0.0002 v = 30 + 0.00005 v → v = 30 / 0.00015 = 200,000
    // temporal/stepfunctions: 30 + 0.00005 v = 10 + 0.0002 v → v = 20 / 0.00015 = 133,333.33
    // choreography/stepfunctions: same slope 0.0002 → parallel, no crossing
    expect(p.crossovers).toHaveLength(2);
    expect(p.crossovers[0]).toMatchObject({ a: 'choreography', b: 'temporal' });
    expect(p.crossovers[0]!.ordersPerMonth).toBeCloseTo(200_000, 6);
    expect(p.crossovers[1]).toMatchObject({ a: 'temporal', b: 'stepfunctions' });
    expect(p.crossovers[1]!.ordersPerMonth).toBeCloseTo(133_333.333333, 4);
    // cheaper per order AND cheaper fixed: the lines meet only at a negative volume
    expect(
      projectMonthly([
        { variant: 'a', perOrderUsd: 1 },
        { variant: 'b', perOrderUsd: 2, fixedMonthlyUsd: 5 },
      ]).crossovers,
    ).toEqual([]);
    expect(() => projectMonthly([series[0]!, series[0]!])).toThrow(/given twice/);
  });

  it('prices an always-on worker from the Fargate figures', () => {
    // 730 h × (0.25 vCPU × $0.04048 + 0.5 GB × $0.004445) = 730 × 0.0123425 = $9.010025
    expect(fargateMonthlyUsd({ vcpu: 0.25, memoryGb: 0.5 })).toBeCloseTo(9.010025, 9);
  });
});

describe('price table', () => {
  it('the published table is valid', () => {
    expect(validatePriceTable(PRICE_TABLE)).toEqual([]);
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
      ],
    };
    const problems = validatePriceTable(bad).join('\n');
    expect(problems).toMatch(/prices\.1\.id: duplicate price id sqs-standard-request/);
    expect(problems).toMatch(/prices\.2\.usd/);
    expect(problems).toMatch(/prices\.3\.source: must be the provider's official pricing page/);
    expect(problems).toMatch(/prices\.4\.source/);
    expect(problems).toMatch(/prices\.5\.asOf/);
    expect(problems).toMatch(/prices\.6\.asOf: asOf 2027-01-01 is after table version/);
    expect(() => estimateCost(sample({ orders: 1, metered: [] }), bad as PriceTable)).toThrow(/invalid price table/);
  });

  it('refuses to estimate with a price it does not have', () => {
    const noSqs: PriceTable = { ...PRICE_TABLE, prices: PRICE_TABLE.prices.filter((p) => p.id !== 'sqs-standard-request') };
    expect(() => estimateCost(sample({ orders: 1, metered: [op('sqs', 'SendMessage', { calls: 1 })] }), noSqs)).toThrow(
      /has no price sqs-standard-request/,
    );
  });
});

describe('usageSampleSchema', () => {
  const good = { variant: 'choreography', orders: 10, metered: [op('sqs', 'SendMessage', { calls: 3 })] };

  it('accepts a sample stored as JSON', () => {
    expect(usageSampleSchema.parse(JSON.parse(JSON.stringify(good)))).toEqual(good);
  });

  it.each([
    ['zero orders', { ...good, orders: 0 }, /orders/],
    ['negative calls', { ...good, metered: [op('sqs', 'SendMessage', { calls: -1, billingChunks: 0 })] }, /metered\.0\.calls/],
    ['negative capacity', { ...good, metered: [op('dynamodb', 'GetItem', { calls: 1, readCapacityUnits: -0.5 })] }, /readCapacityUnits/],
    ['fewer chunks than calls', { ...good, metered: [op('sqs', 'SendMessage', { calls: 3, billingChunks: 0 })] }, /billingChunks/],
    ['unknown variant', { ...good, variant: 'kafka' }, /variant/],
    ['stepfunctions without usage', { ...good, variant: 'stepfunctions' }, /stepFunctions/],
    [
      'EXPRESS without duration',
      { ...good, variant: 'stepfunctions', stepFunctions: { type: 'EXPRESS', executions: 1, transitions: 0 } },
      /durationMsTotal/,
    ],
  ])('rejects %s', (_name, bad, field) => {
    const r = usageSampleSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toMatch(field);
    expect(() => estimateCost(bad as UsageSample)).toThrow();
  });
});
