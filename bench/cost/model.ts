import { z } from 'zod';
import { mergeCounts, type OperationCount } from '../../shared/aws/metering.ts';
import { variantNameSchema, variantOf, type VariantName } from '../../infra/variants.ts';
import { PRICE_TABLE, validatePriceTable, type PriceTable } from './prices.ts';

/**
 * Cost per order from counted operations times PRICE_TABLE. Pure: no I/O, no clock.
 * Nothing is estimated from what a variant "should" do; an operation with no rule is
 * left out and named in `notes`, so a gap shows instead of being guessed.
 */

const n = z.number().finite().nonnegative();
const whole = n.int();

const operationCountSchema = z
  .object({
    service: z.string().min(1),
    operation: z.string().min(1),
    calls: whole,
    errors: whole,
    throttles: whole,
    requestBytes: whole,
    responseBytes: whole,
    billingChunks: whole,
    readCapacityUnits: n,
    writeCapacityUnits: n,
  })
  .strict()
  .refine((c) => c.errors <= c.calls && c.throttles <= c.calls, 'errors and throttles cannot exceed calls')
  // The meter counts at least one chunk per call; fewer means a hand-built entry forgot them.
  .refine((c) => c.billingChunks >= c.calls, 'billingChunks must be at least calls (one chunk per call minimum)');

export const usageSampleSchema = z
  .object({
    variant: variantNameSchema,
    orders: z.number().int().positive(),
    /**
     * The variant's own client calls. Calls a service makes for it (the Step Functions
     * sqs:sendMessage integration) are not metered: add them as entries here to bill them.
     */
    metered: z.array(operationCountSchema),
    stepFunctions: z
      .object({
        type: z.enum(['STANDARD', 'EXPRESS']),
        executions: whole,
        transitions: whole,
        durationMsTotal: n.optional(),
      })
      .strict()
      .optional(),
    lambda: z
      .object({
        invocations: whole,
        durationMsTotal: n,
        memoryMb: z.number().int().min(128).max(10_240),
        arch: z.enum(['x86_64', 'arm64']),
      })
      .strict()
      .optional(),
    temporal: z.object({ actions: whole }).strict().optional(),
  })
  .strict()
  // Without these the variant's dominant charge would silently be $0.
  .superRefine((s, ctx) => {
    const needed = variantOf(s.variant).billing.engineCount;
    if (needed && !s[needed])
      ctx.addIssue({
        code: 'custom',
        path: [needed],
        message: needed === 'stepFunctions' ? `${s.variant} needs stepFunctions usage` : `${s.variant} needs temporal.actions`,
      });
  })
  .refine((s) => s.stepFunctions?.type !== 'EXPRESS' || s.stepFunctions.durationMsTotal !== undefined, {
    message: 'EXPRESS is billed by duration: durationMsTotal is required',
    path: ['stepFunctions', 'durationMsTotal'],
  });
export type UsageSample = z.infer<typeof usageSampleSchema>;

/**
 * Provisioning and lookups done once per deployment or run, not per order: excluded so
 * a short run is not charged its setup (AWS does bill the SQS ones as requests). Listed
 * one by one rather than by prefix because DeleteMessage and DeleteItem are per-order work.
 */
export const EXCLUDED_MANAGEMENT_CALLS: Readonly<Record<string, readonly string[]>> = {
  sqs: [
    'CreateQueue',
    'DeleteQueue',
    'GetQueueUrl',
    'GetQueueAttributes',
    'SetQueueAttributes',
    'ListQueues',
    'PurgeQueue',
    'ListQueueTags',
    'TagQueue',
    'UntagQueue',
    'AddPermission',
    'RemovePermission',
    'ListDeadLetterSourceQueues',
  ],
  sns: [
    'CreateTopic',
    'DeleteTopic',
    'Subscribe',
    'Unsubscribe',
    'ConfirmSubscription',
    'GetTopicAttributes',
    'SetTopicAttributes',
    'GetSubscriptionAttributes',
    'SetSubscriptionAttributes',
    'ListTopics',
    'ListSubscriptions',
    'ListSubscriptionsByTopic',
    'TagResource',
    'UntagResource',
    'ListTagsForResource',
  ],
  dynamodb: [
    'CreateTable',
    'DeleteTable',
    'DescribeTable',
    'UpdateTable',
    'ListTables',
    'UpdateTimeToLive',
    'DescribeTimeToLive',
    'TagResource',
    'UntagResource',
    'ListTagsOfResource',
  ],
  sfn: [
    'CreateStateMachine',
    'DeleteStateMachine',
    'UpdateStateMachine',
    'DescribeStateMachine',
    'ListStateMachines',
    'CreateActivity',
    'DeleteActivity',
    'DescribeActivity',
    'ListActivities',
    'TagResource',
    'UntagResource',
    'ListTagsForResource',
  ],
};

const SNS_BILLED = new Set(['Publish', 'PublishBatch']);
// AWS bills at least one write unit per written item, and a transaction twice (prepare + commit).
const DYNAMO_WRITE_MIN: Record<string, number> = { PutItem: 1, UpdateItem: 1, DeleteItem: 1, BatchWriteItem: 1, TransactWriteItems: 2 };
// An eventually consistent read of up to 4 KB is half a unit; transactional reads cost double a strong read.
const DYNAMO_READ_MIN: Record<string, number> = { GetItem: 0.5, Query: 0.5, Scan: 0.5, BatchGetItem: 0.5, TransactGetItems: 2 };

/** Step Functions Express bills memory in 64 MB units; the model assumes the minimum one. */
const EXPRESS_MEMORY_GB = 64 / 1024;

export interface CostLine {
  service: string;
  item: string;
  /** Billed units per 1M orders. */
  count: number;
  unit: string;
  unitPriceUsd: number;
  usdPerMillionOrders: number;
  priceId: string;
}

export interface CostEstimate {
  variant: VariantName;
  priceTableVersion: string;
  region: string;
  perOrderUsd: number;
  perMillionOrdersUsd: number;
  breakdown: CostLine[];
  notes: string[];
}

const tally = (list: Array<[string, number]>) => list.map(([k, v]) => `${k}×${v}`).join(', ');

export function estimateCost(input: UsageSample, table: PriceTable = PRICE_TABLE): CostEstimate {
  const sample = usageSampleSchema.parse(input);
  const problems = validatePriceTable(table);
  if (problems.length) throw new Error(`invalid price table ${table.version}: ${problems.join('; ')}`);

  const scale = 1e6 / sample.orders;
  const breakdown: CostLine[] = [];
  const notes: string[] = ['List prices, first tier: free tiers and volume discounts are not modelled.'];
  const add = (service: string, item: string, units: number, priceId: string) => {
    if (units <= 0) return;
    const p = table.prices.find((x) => x.id === priceId);
    if (!p) throw new Error(`price table ${table.version} has no price ${priceId}`);
    const unitPriceUsd = p.usd / p.per;
    const count = units * scale;
    breakdown.push({ service, item, count, unit: p.unit, unitPriceUsd, usdPerMillionOrders: count * unitPriceUsd, priceId });
  };

  const excluded: Array<[string, number]> = [];
  const sfnApi: Array<[string, number]> = [];
  const unpriced: Array<[string, number]> = [];
  let failedMessaging = 0;
  let dynamoThrottled = 0;
  // Merged meters may repeat a service and operation: sum them first.
  for (const c of mergeCounts(sample.metered)) {
    const key = `${c.service}.${c.operation}`;
    if (EXCLUDED_MANAGEMENT_CALLS[c.service]?.includes(c.operation)) excluded.push([key, c.calls]);
    else if (c.service === 'sqs') {
      // Every SQS request is billed per 64 KB chunk, an empty receive included; failed
      // requests are billed too (only those refused for authentication are not).
      add('sqs', c.operation, c.billingChunks, 'sqs-standard-request');
      failedMessaging += c.errors;
    } else if (c.service === 'sns' && SNS_BILLED.has(c.operation)) {
      // Delivery to SQS and Lambda subscribers is free: only the publish is billed.
      add('sns', c.operation, c.billingChunks, 'sns-standard-publish');
      failedMessaging += c.errors;
    } else if (c.service === 'dynamodb' && (c.operation in DYNAMO_WRITE_MIN || c.operation in DYNAMO_READ_MIN)) {
      // A throttled request consumes no capacity; any other (a failed condition too) is billed.
      const billedCalls = c.calls - c.throttles;
      dynamoThrottled += c.throttles;
      const write = c.operation in DYNAMO_WRITE_MIN;
      const min = (write ? DYNAMO_WRITE_MIN : DYNAMO_READ_MIN)[c.operation] ?? 0;
      const reported = write ? c.writeCapacityUnits : c.readCapacityUnits;
      // The emulator (moto) under-reports capacity (UpdateItem as 0.5 unit, none for
      // failed calls); AWS never bills below the per-call minimum.
      const units = Math.max(reported, billedCalls * min);
      if (units > reported)
        notes.push(
          `dynamodb.${c.operation}: ${reported} ${write ? 'write' : 'read'} units reported for ${billedCalls} billed calls; billed at the minimum ${min}/call (${units}).`,
        );
      add('dynamodb', c.operation, units, write ? 'dynamodb-ondemand-write' : 'dynamodb-ondemand-read');
    } else if (c.service === 'sfn') sfnApi.push([key, c.calls]);
    else unpriced.push([key, c.calls]);
  }
  if (failedMessaging)
    notes.push(
      `${failedMessaging} failed SQS/SNS requests are included: AWS bills failed requests except those refused for authentication.`,
    );
  if (dynamoThrottled) notes.push(`${dynamoThrottled} throttled DynamoDB requests are not billed.`);
  if (excluded.length) notes.push(`Management calls excluded (provisioning, not per-order work): ${tally(excluded)}.`);
  if (sfnApi.length) notes.push(`Step Functions API calls are not billed separately by AWS, excluded: ${tally(sfnApi)}.`);
  if (unpriced.length) notes.push(`No price rule, NOT in the estimate: ${tally(unpriced)}.`);

  const sfn = sample.stepFunctions;
  if (sfn?.type === 'STANDARD') {
    // Standard bills state transitions only (retries are transitions); executions are free.
    add('sfn', 'state transitions', sfn.transitions, 'sfn-standard-transition');
  } else if (sfn?.type === 'EXPRESS' && sfn.executions > 0) {
    add('sfn', 'express requests', sfn.executions, 'sfn-express-request');
    // Duration is billed per execution in 100 ms increments; only the total is known, so
    // each execution is taken at the average rounded up.
    const billedMs = Math.ceil((sfn.durationMsTotal ?? 0) / sfn.executions / 100) * 100;
    add('sfn', 'express duration (64 MB)', ((sfn.executions * billedMs) / 1000) * EXPRESS_MEMORY_GB, 'sfn-express-gb-second');
    notes.push(
      'Step Functions Express: memory at the 64 MB minimum (large definitions or payloads bill more); duration rounded per execution from the average.',
    );
  }

  const lam = sample.lambda;
  if (lam && lam.invocations > 0) {
    add('lambda', 'invocations', lam.invocations, 'lambda-request');
    // Lambda bills each invocation's duration rounded up to 1 ms; from a total, the average is rounded.
    const billedMs = lam.invocations * Math.ceil(lam.durationMsTotal / lam.invocations);
    add('lambda', `duration ${lam.arch} (${lam.memoryMb} MB)`, (billedMs / 1000) * (lam.memoryMb / 1024), `lambda-gb-second-${lam.arch}`);
    notes.push('Lambda: INIT duration is billed since Aug 2025; it is in the estimate only if durationMsTotal includes it.');
  }

  if (sample.temporal) {
    add('temporal-cloud', 'actions', sample.temporal.actions, 'temporal-cloud-action');
    notes.push('Temporal Cloud: flat first-tier action price; volume tiers, plan minimum and storage are not modelled.');
  }
  notes.push(
    'Not modelled: storage, data transfer, CloudWatch logs and metrics, always-on workers (pass those as fixedMonthlyUsd to projectMonthly).',
  );

  breakdown.sort(
    (a, b) => b.usdPerMillionOrders - a.usdPerMillionOrders || a.service.localeCompare(b.service) || a.item.localeCompare(b.item),
  );
  const perMillionOrdersUsd = breakdown.reduce((s, l) => s + l.usdPerMillionOrders, 0);
  return {
    variant: sample.variant,
    priceTableVersion: table.version,
    region: table.region,
    perOrderUsd: perMillionOrdersUsd / 1e6,
    perMillionOrdersUsd,
    breakdown,
    notes,
  };
}

/** Any label, so e.g. 'stepfunctions-express' can sit beside 'stepfunctions'. */
export type CostSeries = { variant: VariantName | (string & {}); perOrderUsd: number; fixedMonthlyUsd?: number };

export interface MonthlyProjection {
  rows: Array<{ ordersPerMonth: number; usdByVariant: Record<string, number> }>;
  /** Where two lines fixed + perOrder × volume meet, at a positive finite volume. */
  crossovers: Array<{ a: string; b: string; ordersPerMonth: number }>;
}

export function projectMonthly(estimates: CostSeries[], volumes: number[] = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8]): MonthlyProjection {
  const names = new Set<string>();
  for (const e of estimates) {
    if (names.has(e.variant)) throw new Error(`variant ${e.variant} given twice`);
    names.add(e.variant);
    if (!(Number.isFinite(e.perOrderUsd) && e.perOrderUsd >= 0))
      throw new Error(`${e.variant}: perOrderUsd must be a finite non-negative number`);
    const f = e.fixedMonthlyUsd ?? 0;
    if (!(Number.isFinite(f) && f >= 0)) throw new Error(`${e.variant}: fixedMonthlyUsd must be a finite non-negative number`);
  }
  const line = (e: CostSeries, v: number) => (e.fixedMonthlyUsd ?? 0) + e.perOrderUsd * v;
  const rows = volumes.map((v) => ({
    ordersPerMonth: v,
    usdByVariant: Object.fromEntries(estimates.map((e) => [e.variant, line(e, v)])),
  }));
  const crossovers: MonthlyProjection['crossovers'] = [];
  estimates.forEach((a, i) => {
    for (const b of estimates.slice(i + 1)) {
      const slope = a.perOrderUsd - b.perOrderUsd;
      if (slope === 0) continue; // parallel (or identical): never cross at one volume
      const v = ((b.fixedMonthlyUsd ?? 0) - (a.fixedMonthlyUsd ?? 0)) / slope;
      if (Number.isFinite(v) && v > 0) crossovers.push({ a: a.variant, b: b.variant, ordersPerMonth: v });
    }
  });
  return { rows, crossovers };
}

/** An always-on worker's month on Fargate (730 h, AWS's own month), for fixedMonthlyUsd. */
export function fargateMonthlyUsd(
  w: { vcpu: number; memoryGb: number; tasks?: number; hoursPerMonth?: number },
  table: PriceTable = PRICE_TABLE,
): number {
  const price = (id: string) => {
    const p = table.prices.find((x) => x.id === id);
    if (!p) throw new Error(`price table ${table.version} has no price ${id}`);
    return p.usd / p.per;
  };
  const hours = (w.tasks ?? 1) * (w.hoursPerMonth ?? 730);
  return hours * (w.vcpu * price('fargate-vcpu-hour-x86_64') + w.memoryGb * price('fargate-gb-hour-x86_64'));
}
