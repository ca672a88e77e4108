import { z } from 'zod';
import { mergeCounts, type OperationCount } from '../../shared/aws/metering.ts';
import { SERVICES as AWS_CLIENT_SERVICES } from '../../shared/aws/clients.ts';
import { variantNameSchema, variantOf, type VariantName } from '../../infra/variants.ts';
import { PRICE_TABLE, DEFAULT_FREE_TIER, DEFAULT_TEMPORAL_PLAN, validatePriceTable, type PriceTable } from './prices.ts';

/**
 * What a variant's run would be billed on AWS and Temporal Cloud, per order, from its
 * counted operations. Pure: no I/O, no clock. Nothing is estimated from what a variant
 * "should" do. The variant's registry entry (`billing`) says how its local run maps to
 * AWS, and every variant goes through the same rules:
 * - calls a time-based loop made (the meter marks them `polling`) are never billed per
 *   order: on AWS the loop is a trigger, priced as a fixed monthly line;
 * - calls of a local stand-in AWS does not have (`billing.localOnly`) are left off;
 * - a service the model has no rule for is refused, so a new billed service cannot
 *   slip in at $0.
 * The per-order figure is at list price (first tier, no allowance): it does not depend
 * on volume or throughput. Allowances, tiers, plan fees and fixed lines apply per month
 * (monthly.ts).
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
    billedCapacityUnits: n,
    items: whole,
    polling: z.boolean(),
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
     * The variant's own client calls, as metered locally (local stand-ins and polling
     * included: the model leaves them off). Calls a service makes for it (Step Functions'
     * own task messages) are not metered.
     */
    metered: z.array(operationCountSchema),
    stepFunctions: z
      .object({
        type: z.enum(['STANDARD', 'EXPRESS']),
        executions: whole,
        transitions: whole,
        /** Task attempts, retries included (TaskScheduled + LambdaFunctionScheduled). */
        taskAttempts: whole,
        /** Bytes of the execution log (every history event, no execution data). */
        logBytes: whole,
        durationMsTotal: n.optional(),
      })
      .strict()
      .optional(),
    /** Measured handler time; how many invocations it stands for is the registry's rule. */
    lambda: z
      .object({
        tracedRuns: whole,
        durationMsTotal: n,
        memoryMb: z.number().int().min(128).max(10_240),
        arch: z.enum(['x86_64', 'arm64']),
      })
      .strict()
      .optional(),
    temporal: z.object({ actions: whole, historyBytes: whole, openMsTotal: n, workflows: whole }).strict().optional(),
    /** Lambda durable functions: executions, durable operations (step attempts), retries (re-invocations) and checkpointed bytes. */
    durable: z.object({ executions: whole, operations: whole, retries: whole, dataWrittenBytes: whole }).strict().optional(),
  })
  .strict()
  // Without these the variant's dominant charge would silently be $0.
  .superRefine((s, ctx) => {
    const needed = variantOf(s.variant).billing.engineCount;
    if (needed && !s[needed])
      ctx.addIssue({
        code: 'custom',
        path: [needed],
        message: `${s.variant} needs ${needed} usage`,
      });
    if (variantOf(s.variant).billing.lambdaInvocations && !s.lambda)
      ctx.addIssue({ code: 'custom', path: ['lambda'], message: `${s.variant} runs on Lambda: lambda usage is required` });
  })
  .refine((s) => s.stepFunctions?.type !== 'EXPRESS' || s.stepFunctions.durationMsTotal !== undefined, {
    message: 'EXPRESS is billed by duration: durationMsTotal is required',
    path: ['stepFunctions', 'durationMsTotal'],
  });
export type UsageSample = z.infer<typeof usageSampleSchema>;

/** The choices a bill depends on beyond the counts; each has a stated default. */
export const billingOptionsSchema = z
  .object({
    /** Count AWS's always-free allowances (an account shares them with all it runs). */
    freeTier: z.boolean().default(DEFAULT_FREE_TIER),
    /** The Temporal Cloud plan (an id in the price table's temporalPlans), checked before a run starts. */
    temporalPlan: z
      .string()
      .refine((id) => PRICE_TABLE.temporalPlans.some((p) => p.id === id), {
        message: `not a Temporal Cloud plan of the price table (${PRICE_TABLE.temporalPlans.map((p) => p.id).join(', ')})`,
      })
      .default(DEFAULT_TEMPORAL_PLAN),
    /** How long Temporal Cloud keeps a closed workflow's history (the namespace's retention period, 1 to 90 days); also a durable function's RetentionPeriodInDays. */
    retentionDays: z.number().int().min(1).max(90).default(30),
  })
  .strict();
export type BillingOptions = z.infer<typeof billingOptionsSchema>;
export const DEFAULT_BILLING_OPTIONS: BillingOptions = billingOptionsSchema.parse({});

/**
 * Provisioning and lookups done once per deployment or run, not per order: excluded so
 * a short run is not charged its setup. Listed one by one rather than by prefix because
 * DeleteMessage and DeleteItem are per-order work.
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
  events: [
    'CreateEventBus',
    'DeleteEventBus',
    'DescribeEventBus',
    'ListEventBuses',
    'PutRule',
    'DeleteRule',
    'DescribeRule',
    'ListRules',
    'PutTargets',
    'RemoveTargets',
    'ListTargetsByRule',
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

// A run on AWS reads DynamoDB's units provider-side, per table and not per operation: CloudWatch's metric names stand in for the operation.
const DYNAMO_WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ConsumedWriteCapacityUnits',
]);
const DYNAMO_READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems', 'ConsumedReadCapacityUnits']);

/** What one metered entry is on the bill: units of a price, not billed (and why), or counted elsewhere. */
type Rule = (c: OperationCount) => { priceId: string; item: string; units: number } | { none: string };

/**
 * One rule per service a variant's clients can call (shared/aws/clients.ts) plus the
 * meter's own `lambda` records. A service missing here is refused by estimateCost.
 */
export const SERVICE_RULES: Readonly<Record<string, Rule>> = {
  // Every SQS request is billed per 64 KB chunk, an empty receive and a failed request included.
  sqs: (c) => ({ priceId: 'sqs-standard-request', item: `${c.operation} (64 KB chunks)`, units: c.billingChunks }),
  // Delivery to SQS and Lambda subscribers is free: only the publish is billed.
  sns: (c) =>
    c.operation === 'Publish' || c.operation === 'PublishBatch'
      ? { priceId: 'sns-standard-publish', item: `${c.operation} (64 KB chunks)`, units: c.billingChunks }
      : { none: 'not a billed SNS request' },
  // Each entry a PutEvents carries is billed, one event per 64 KB of it (the meter counts per entry); rule matching and delivery to SQS are included.
  events: (c) =>
    c.operation === 'PutEvents'
      ? { priceId: 'eventbridge-custom-event', item: 'PutEvents entries (64 KB chunks)', units: c.billingChunks }
      : { none: 'not a billed EventBridge request' },
  // Units by AWS's rules (capacity.ts): per item per KB, transactions double, consistent reads full.
  dynamodb: (c) =>
    DYNAMO_WRITES.has(c.operation)
      ? { priceId: 'dynamodb-ondemand-write', item: `${c.operation} write units`, units: c.billedCapacityUnits }
      : DYNAMO_READS.has(c.operation)
        ? { priceId: 'dynamodb-ondemand-read', item: `${c.operation} read units`, units: c.billedCapacityUnits }
        : { none: 'not a billed DynamoDB request' },
  // Standard workflows bill state transitions only; the API calls (StartExecution, SendTask*) are free.
  sfn: () => ({ none: 'Step Functions API calls are not billed; transitions are' }),
  // The meter's invocation records; priced with the measured duration below.
  lambda: () => ({ none: 'counted as Lambda invocations' }),
};

/** Step Functions Express bills memory in 64 MB units; the model assumes the minimum one. */
const EXPRESS_MEMORY_GB = 64 / 1024;
/** Bytes in a GB as AWS and Temporal bill storage and logs (binary). */
export const GB = 1024 ** 3;

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

/** A cost that does not grow with orders, per month (730 hours, AWS's month). */
export interface FixedLine {
  service: string;
  item: string;
  /** Billed units per month. */
  count: number;
  unit: string;
  unitPriceUsd: number;
  usdPerMonth: number;
  priceId: string;
}

export interface CostEstimate {
  variant: VariantName;
  priceTableVersion: string;
  region: string;
  /** At list price (first tier, no allowance): what one more order adds, whatever the volume. */
  perOrderUsd: number;
  perMillionOrdersUsd: number;
  breakdown: CostLine[];
  fixed: FixedLine[];
  notes: string[];
}

const tally = (list: Array<[string, number]>) => list.map(([k, v]) => `${k}×${v}`).join(', ');
export const HOURS_PER_MONTH = 730;
/** AWS's month of 730 hours, in days: a GB-month of retention is a GB kept this long. */
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
/** Idle SQS event source mapping: long polls at the 20 s maximum wait, by this many pollers per queue. */
export const ESM_IDLE_POLLERS = 5;
export const ESM_WAIT_SECONDS = 20;

export function priceOf(table: PriceTable, id: string) {
  const p = table.prices.find((x) => x.id === id);
  if (!p) throw new Error(`price table ${table.version} has no price ${id}`);
  return p;
}

/** The variant's fixed monthly lines, from its registry entry (the same whatever was run). */
export function fixedLines(variant: VariantName, table: PriceTable = PRICE_TABLE): FixedLine[] {
  const billing = variantOf(variant).billing;
  const lines: FixedLine[] = [];
  const add = (service: string, item: string, count: number, priceId: string) => {
    const p = priceOf(table, priceId);
    const unitPriceUsd = p.usd / p.per;
    lines.push({ service, item, count, unit: p.unit, unitPriceUsd, usdPerMonth: count * unitPriceUsd, priceId });
  };
  const w = billing.alwaysOnWorker;
  if (w) {
    const hours = (w.tasks ?? 1) * HOURS_PER_MONTH;
    add('fargate', `worker vCPU (${w.vcpu} vCPU × ${w.tasks ?? 1} task, always on)`, hours * w.vcpu, 'fargate-vcpu-hour-x86_64');
    add('fargate', `worker memory (${w.memoryGb} GB × ${w.tasks ?? 1} task)`, hours * w.memoryGb, 'fargate-gb-hour-x86_64');
    if (w.publicIpv4) add('vpc', `worker public IPv4 address (${w.tasks ?? 1})`, hours, 'vpc-public-ipv4-hour');
  }
  if (billing.sqsEventSources > 0) {
    const requests = billing.sqsEventSources * ESM_IDLE_POLLERS * ((HOURS_PER_MONTH * 3600) / ESM_WAIT_SECONDS);
    add(
      'sqs',
      `event source mappings polling ${billing.sqsEventSources} queues while idle (${ESM_IDLE_POLLERS} long polls of ${ESM_WAIT_SECONDS} s each)`,
      requests,
      'sqs-esm-idle-request',
    );
  }
  return lines;
}

export function estimateCost(input: UsageSample, table: PriceTable = PRICE_TABLE, optionsIn: Partial<BillingOptions> = {}): CostEstimate {
  const sample = usageSampleSchema.parse(input);
  const options = billingOptionsSchema.parse(optionsIn);
  const problems = validatePriceTable(table);
  if (problems.length) throw new Error(`invalid price table ${table.version}: ${problems.join('; ')}`);
  const billing = variantOf(sample.variant).billing;

  const scale = 1e6 / sample.orders;
  const byKey = new Map<string, CostLine>();
  const notes: string[] = [
    'Per order at list price (first volume tier, no free allowance); the monthly projection applies allowances, tiers, plan fees and fixed costs.',
  ];
  const add = (service: string, item: string, units: number, priceId: string) => {
    if (units <= 0) return;
    const p = priceOf(table, priceId);
    const unitPriceUsd = p.usd / p.per;
    const key = `${priceId}|${item}`;
    const prev = byKey.get(key);
    const count = (prev?.count ?? 0) + units * scale;
    byKey.set(key, { service, item, count, unit: p.unit, unitPriceUsd, usdPerMillionOrders: count * unitPriceUsd, priceId });
  };

  const excluded: Array<[string, number]> = [];
  const polled: Array<[string, number]> = [];
  const local: Array<[string, number]> = [];
  const notBilled: Array<[string, number]> = [];
  const unknown = new Set<string>();
  let failed = 0;
  let invocations = 0;
  let consumerMessages = 0;
  let emulatorReported = 0;
  let modelUnits = 0;
  for (const c of mergeCounts(sample.metered)) {
    const key = `${c.service}.${c.operation}`;
    if (c.polling) polled.push([key, c.calls]);
    else if (EXCLUDED_MANAGEMENT_CALLS[c.service]?.includes(c.operation)) excluded.push([key, c.calls]);
    else if (billing.localOnly.some((l) => l.service === c.service && (!l.operations || l.operations.includes(c.operation))))
      local.push([key, c.calls]);
    else if (!SERVICE_RULES[c.service]) unknown.add(c.service);
    else {
      if (c.service === 'lambda') {
        invocations += c.calls;
        if (c.operation === 'Invoke') consumerMessages += c.calls;
      }
      if (c.service === 'dynamodb') {
        emulatorReported += c.readCapacityUnits + c.writeCapacityUnits;
        modelUnits += c.billedCapacityUnits;
      }
      const r = SERVICE_RULES[c.service]!(c);
      if ('none' in r) {
        if (c.service !== 'lambda') notBilled.push([key, c.calls]);
      } else {
        add(c.service, r.item, r.units, r.priceId);
        if (c.service !== 'dynamodb') failed += c.errors - c.throttles;
      }
    }
  }
  if (unknown.size)
    throw new Error(
      `${sample.variant}: no billing rule for service ${[...unknown].join(', ')}: add one to SERVICE_RULES in bench/cost/model.ts and its price to bench/cost/prices.ts`,
    );
  if (polled.length)
    notes.push(
      `Time-based local polling left off (on AWS a trigger replaces it, a fixed monthly line where it costs anything): ${tally(polled)}.`,
    );
  for (const l of billing.localOnly) notes.push(`Left off: ${l.service}${l.operations ? ` ${l.operations.join(', ')}` : ''}: ${l.why}.`);
  if (local.length) notes.push(`Local stand-in calls left off: ${tally(local)}.`);
  if (excluded.length) notes.push(`Management calls excluded (provisioning, not per-order work): ${tally(excluded)}.`);
  if (notBilled.length) notes.push(`Not billed by AWS: ${tally(notBilled)}.`);
  if (failed > 0) notes.push(`${failed} failed requests are billed as AWS bills them (only those refused for authentication are not).`);
  if (modelUnits !== emulatorReported)
    notes.push(
      `DynamoDB: ${round(modelUnits)} capacity units by AWS's rules (per item per KB, transactions double, consistent reads a full unit per 4 KB) where the emulator reported ${round(emulatorReported)}.`,
    );

  if (billing.sqsEventSources > 0 && consumerMessages > 0) {
    // An event source mapping receives and deletes each message; without batching (an upper bound) one of each per message.
    add('sqs', 'event source mapping receive + delete per message (no batching)', 2 * consumerMessages, 'sqs-standard-request');
    notes.push(
      `SQS on AWS: Lambda event source mappings read the ${billing.sqsEventSources} service queues; each message is billed a receive and a delete (batching would lower both).`,
    );
  }

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
  if (sfn && billing.executionTracing) {
    add('xray', 'traces recorded (one per execution)', sfn.executions, 'xray-trace-recorded');
    add('cloudwatch', 'execution log ingested (ALL events, no execution data)', sfn.logBytes / GB, 'cloudwatch-logs-ingest');
  }

  const lam = sample.lambda;
  if (billing.lambdaInvocations === 'task-attempts') invocations = sfn?.taskAttempts ?? 0;
  const d = sample.durable;
  // A durable execution is invoked once, then once more after each retry delay it suspended for (replays included in the duration measured).
  if (billing.lambdaInvocations === 'durable-invocations') invocations = d ? d.executions + d.retries : 0;
  if (d) {
    add('lambda', 'durable operations (step attempts, retries included)', d.operations, 'lambda-durable-operation');
    add('lambda', 'durable data written (checkpoints)', d.dataWrittenBytes / GB, 'lambda-durable-data-written');
    add(
      'lambda',
      `durable data retained (${options.retentionDays} days)`,
      (d.dataWrittenBytes / GB) * (options.retentionDays / DAYS_PER_MONTH),
      'lambda-durable-data-retained',
    );
    notes.push(
      `Lambda durable functions: ${d.operations} durable operations over ${d.executions} executions (one per step attempt); checkpoints retained ${options.retentionDays} days.`,
    );
  }
  if (lam && invocations > 0) {
    add('lambda', 'invocations (failed attempts included)', invocations, 'lambda-request');
    // Lambda bills each invocation's duration rounded up to 1 ms; from a total, the average is rounded.
    const avgMs = lam.tracedRuns ? Math.ceil(lam.durationMsTotal / lam.tracedRuns) : 0;
    // A durable function runs its steps inside its invocations: the billed time is every step's, not one step's per invocation.
    const durableRun = billing.lambdaInvocations === 'durable-invocations';
    const billedMs = durableRun ? lam.durationMsTotal : invocations * avgMs;
    add('lambda', `duration ${lam.arch} (${lam.memoryMb} MB)`, (billedMs / 1000) * (lam.memoryMb / 1024), `lambda-gb-second-${lam.arch}`);
    notes.push(
      durableRun
        ? `Lambda: ${invocations} invocations running ${lam.tracedRuns} step attempts for ${Math.round(lam.durationMsTotal)} ms in all (measured); replays and INIT duration are not in it.`
        : `Lambda: ${invocations} invocations at the measured ${avgMs} ms average handler time (${lam.tracedRuns} runs traced); INIT duration is not in it.`,
    );
  }

  const t = sample.temporal;
  if (t) {
    add('temporal-cloud', 'actions (workflow start, activities scheduled, retries)', t.actions, 'temporal-cloud-action');
    if (t.workflows > 0) {
      const gbPerWorkflow = t.historyBytes / t.workflows / GB;
      const openHours = t.openMsTotal / t.workflows / 3.6e6;
      add(
        'temporal-cloud',
        'active storage (history while open)',
        t.workflows * gbPerWorkflow * openHours,
        'temporal-cloud-active-storage',
      );
      add(
        'temporal-cloud',
        `retained storage (history for ${options.retentionDays} days)`,
        t.workflows * gbPerWorkflow * options.retentionDays * 24,
        'temporal-cloud-retained-storage',
      );
    }
  }

  const breakdown = [...byKey.values()].sort(
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
    fixed: fixedLines(sample.variant, table),
    notes,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Services a variant's clients can call and the cost model prices: the gap a new service leaves shows here. */
export const unpricedClientServices = (): string[] => AWS_CLIENT_SERVICES.filter((s) => !SERVICE_RULES[s]);
