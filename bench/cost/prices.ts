import { z } from 'zod';

/**
 * The one price table the cost model reads. A results file records `version`, so a
 * figure can be traced to the table (and its sources) it was computed with; change a
 * price by publishing a new version, never by editing an old one in place.
 *
 * Every entry cites the provider's own page (`source`) and the date it was read
 * (`asOf`); where only a copy or summary of that page was read, `note` says so.
 * Prices are us-east-1 list prices. `tiers` are the provider's volume steps (monthly,
 * per account); `freePerMonth` is the always-free allowance, applied only when the
 * projection is asked to (an account shares it with everything else it runs).
 */

export const PRICE_SERVICES = [
  'sqs',
  'sns',
  'eventbridge',
  'sfn',
  'lambda',
  'dynamodb',
  'temporal-cloud',
  'fargate',
  'vpc',
  'cloudwatch',
  'xray',
] as const;

/** A source must be the provider's own page: third-party summaries go in `note`. */
const OFFICIAL_HOSTS = ['aws.amazon.com', 'temporal.io'];
// zod 4 runs this even when the URL check already failed, hence the guard.
const isOfficial = (u: string) => {
  if (!URL.canParse(u)) return false;
  const host = new URL(u).hostname;
  return OFFICIAL_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
};

const isoDate = z.iso.date();

export const priceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]+$/, 'lower-case letters, digits, - and _ only'),
    service: z.enum(PRICE_SERVICES),
    description: z.string().min(1),
    /** Dollars for `per` units. */
    usd: z.number().positive().finite(),
    per: z.number().int().positive(),
    unit: z.string().min(1),
    source: z.url({ protocol: /^https$/ }).refine(isOfficial, "must be the provider's official pricing page"),
    asOf: isoDate,
    note: z.string().min(1).optional(),
    /** Units a month billed at $0 when the free tier is counted. */
    freePerMonth: z.number().nonnegative().finite().optional(),
    /**
     * Volume steps, cheapest last: `fromUnits` is where the step starts in the month
     * (the first step starts at 0 and has the entry's own price); `usd` is per `per` units.
     */
    tiers: z
      .array(z.object({ fromUnits: z.number().nonnegative().finite(), usd: z.number().nonnegative().finite() }).strict())
      .min(2)
      .optional(),
  })
  .strict()
  .refine((p) => !p.tiers || (p.tiers[0]!.fromUnits === 0 && p.tiers[0]!.usd === p.usd), {
    message: "the first tier starts at 0 units at the entry's own price",
    path: ['tiers'],
  })
  .refine((p) => !p.tiers || p.tiers.every((t, i) => i === 0 || t.fromUnits > p.tiers![i - 1]!.fromUnits), {
    message: 'tiers must start at increasing volumes',
    path: ['tiers'],
  });
export type Price = z.infer<typeof priceSchema>;

/**
 * A Temporal Cloud plan: its fee is the greater of a monthly minimum or a share of the
 * month's consumption (actions + storage); it includes some actions and storage; and
 * its actions are billed either flat or by the `temporal-cloud-action` entry's tiers.
 */
export const temporalPlanSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    minimumMonthlyUsd: z.number().nonnegative().finite(),
    usagePct: z.number().min(0).max(100),
    includedActions: z.number().nonnegative().finite(),
    includedActiveGb: z.number().nonnegative().finite(),
    includedRetainedGb: z.number().nonnegative().finite(),
    volumeTiers: z.boolean(),
    source: z.url({ protocol: /^https$/ }).refine(isOfficial, "must be the provider's official pricing page"),
    asOf: isoDate,
  })
  .strict();
export type TemporalPlan = z.infer<typeof temporalPlanSchema>;

export const priceTableSchema = z
  .object({
    version: isoDate,
    region: z.string().min(1),
    currency: z.literal('USD'),
    prices: z.array(priceSchema).min(1),
    temporalPlans: z.array(temporalPlanSchema).min(1),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.prices.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: ['prices', i, 'id'], message: `duplicate price id ${p.id}` });
      seen.add(p.id);
      // A figure cannot have been taken after the table that holds it was published.
      if (p.asOf > t.version)
        ctx.addIssue({ code: 'custom', path: ['prices', i, 'asOf'], message: `asOf ${p.asOf} is after table version ${t.version}` });
    });
  });
export type PriceTable = z.infer<typeof priceTableSchema>;

/** Problems with a table, one line each naming the field; empty when it is valid. */
export function validatePriceTable(input: unknown): string[] {
  const r = priceTableSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(table)'}: ${i.message}`);
}

/** The project's first reading of the AWS pages (table 2026-11-23); figures not re-read since say so. */
const TAKEN = '2026-11-23';
const READ = '2026-11-30';
const NOT_REREAD = `not re-read on ${READ}`;
// Temporal's pages were read as the stored copy of the documentation source (temporalio/documentation).
const TEMPORAL_COPY = `read ${READ} from the page's source in temporalio/documentation (docs/evaluate/cloud/pricing.mdx)`;
const M = 1_000_000;

export const PRICE_TABLE: PriceTable = {
  version: READ,
  region: 'us-east-1',
  currency: 'USD',
  prices: [
    {
      id: 'sqs-standard-request',
      service: 'sqs',
      description: 'SQS Standard queue request (each 64 KB chunk of payload is one request)',
      usd: 0.4,
      per: M,
      unit: 'request',
      source: 'https://aws.amazon.com/sqs/pricing/',
      asOf: TAKEN,
      freePerMonth: 1 * M,
      // Next step ($0.30/M) starts at 100 billion requests a month, beyond any volume projected here.
      note: `${NOT_REREAD}; free tier: first 1M requests a month; the next price step starts at 100B requests a month`,
    },
    {
      id: 'sns-standard-publish',
      service: 'sns',
      description: 'SNS Standard topic publish (64 KB chunks); delivery to SQS and Lambda is free',
      usd: 0.5,
      per: M,
      unit: 'request',
      source: 'https://aws.amazon.com/sns/pricing/',
      asOf: TAKEN,
      freePerMonth: 1 * M,
      note: `${NOT_REREAD}; free tier: first 1M publishes a month`,
    },
    {
      id: 'eventbridge-custom-event',
      service: 'eventbridge',
      description: 'EventBridge custom event put on a bus (each 64 KB chunk of an entry is one event); delivery to targets included',
      usd: 1.0,
      per: M,
      unit: 'event',
      source: 'https://aws.amazon.com/eventbridge/pricing/',
      asOf: READ,
      note: 'the AWS page itself not read here; figure and 64 KB rule from summaries of it (cloudburn.io EventBridge pricing guide, 2026-03-13; blog.awsfundamentals.com); no free tier for custom events',
    },
    {
      id: 'sfn-standard-transition',
      service: 'sfn',
      description: 'Step Functions Standard state transition (retries count)',
      usd: 0.025,
      per: 1_000,
      unit: 'state transition',
      source: 'https://aws.amazon.com/step-functions/pricing/',
      asOf: TAKEN,
      freePerMonth: 4_000,
      note: `${NOT_REREAD}; free tier: 4,000 state transitions a month`,
    },
    {
      id: 'sfn-express-request',
      service: 'sfn',
      description: 'Step Functions Express execution request',
      usd: 1.0,
      per: M,
      unit: 'request',
      source: 'https://aws.amazon.com/step-functions/pricing/',
      asOf: TAKEN,
      note: NOT_REREAD,
    },
    {
      id: 'sfn-express-gb-second',
      service: 'sfn',
      description: 'Step Functions Express duration (64 MB memory units, 100 ms increments), first tier',
      usd: 0.00001667,
      per: 1,
      unit: 'GB-second',
      source: 'https://aws.amazon.com/step-functions/pricing/',
      asOf: TAKEN,
      note: `${NOT_REREAD}; the first step (1,000h of GB) covers every volume projected here`,
    },
    {
      id: 'lambda-request',
      service: 'lambda',
      description: 'Lambda invocation request',
      usd: 0.2,
      per: M,
      unit: 'request',
      source: 'https://aws.amazon.com/lambda/pricing/',
      asOf: TAKEN,
      freePerMonth: 1 * M,
      note: `${NOT_REREAD}; free tier: 1M requests a month`,
    },
    {
      id: 'lambda-gb-second-x86_64',
      service: 'lambda',
      description: 'Lambda duration, x86_64, first tier (INIT billed since Aug 2025)',
      usd: 0.0000166667,
      per: 1,
      unit: 'GB-second',
      source: 'https://aws.amazon.com/lambda/pricing/',
      asOf: TAKEN,
      freePerMonth: 400_000,
      note: `${NOT_REREAD}; free tier: 400,000 GB-seconds a month; the first step (6B GB-s) covers every volume projected here`,
    },
    {
      id: 'lambda-durable-operation',
      service: 'lambda',
      description: 'Lambda durable functions: durable operation (a step, and each retry of it; a wait; a callback counts three)',
      usd: 8.0,
      per: M,
      unit: 'durable operation',
      source: 'https://aws.amazon.com/lambda/pricing/',
      asOf: READ,
      note: 'the AWS page itself not read here; figure from summaries of its durable functions section (re:Invent 2025 launch); on top of the requests and duration below',
    },
    {
      id: 'lambda-durable-data-written',
      service: 'lambda',
      description: 'Lambda durable functions: data written (execution input, checkpointed step results)',
      usd: 0.25,
      per: 1,
      unit: 'GB',
      source: 'https://aws.amazon.com/lambda/pricing/',
      asOf: READ,
      note: 'the AWS page itself not read here; figure from summaries of its durable functions section',
    },
    {
      id: 'lambda-durable-data-retained',
      service: 'lambda',
      description: "Lambda durable functions: data retained (for the function's retention period)",
      usd: 0.15,
      per: 1,
      unit: 'GB-month',
      source: 'https://aws.amazon.com/lambda/pricing/',
      asOf: READ,
      note: 'the AWS page itself not read here; figure from summaries of its durable functions section',
    },
    {
      id: 'lambda-gb-second-arm64',
      service: 'lambda',
      description: 'Lambda duration, arm64, first tier (INIT billed since Aug 2025)',
      usd: 0.0000133334,
      per: 1,
      unit: 'GB-second',
      source: 'https://aws.amazon.com/lambda/pricing/',
      asOf: TAKEN,
      freePerMonth: 400_000,
      note: `${NOT_REREAD}; free tier: 400,000 GB-seconds a month; the first step (7.5B GB-s) covers every volume projected here`,
    },
    {
      id: 'dynamodb-ondemand-write',
      service: 'dynamodb',
      description: 'DynamoDB on-demand write request unit (1 KB per item; 2 per KB in a transaction)',
      usd: 0.625,
      per: M,
      unit: 'write request unit',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      asOf: TAKEN,
      note: `${NOT_REREAD}; on-demand requests have no free tier`,
    },
    {
      id: 'dynamodb-ondemand-read',
      service: 'dynamodb',
      description: 'DynamoDB on-demand read request unit (4 KB strongly consistent; half for eventually consistent)',
      usd: 0.125,
      per: M,
      unit: 'read request unit',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      asOf: TAKEN,
      note: `${NOT_REREAD}; on-demand requests have no free tier; Streams reads by a Lambda trigger are free`,
    },
    {
      id: 'temporal-cloud-action',
      service: 'temporal-cloud',
      description: 'Temporal Cloud action (pay-as-you-go; volume steps on Business and above)',
      usd: 50,
      per: M,
      unit: 'action',
      source: 'https://docs.temporal.io/cloud/pricing',
      asOf: READ,
      // "Over 200M: contact Sales": the last published step is kept beyond it.
      tiers: [
        { fromUnits: 0, usd: 50 },
        { fromUnits: 5 * M, usd: 45 },
        { fromUnits: 10 * M, usd: 40 },
        { fromUnits: 20 * M, usd: 35 },
        { fromUnits: 50 * M, usd: 30 },
        { fromUnits: 100 * M, usd: 25 },
      ],
      note: `${TEMPORAL_COPY}; above 200M actions a month the page says "contact Sales": $25/M is kept there`,
    },
    {
      id: 'temporal-cloud-active-storage',
      service: 'temporal-cloud',
      description: 'Temporal Cloud active storage (histories of open workflows)',
      usd: 0.042,
      per: 1,
      unit: 'GB-hour',
      source: 'https://docs.temporal.io/cloud/pricing',
      asOf: READ,
      note: TEMPORAL_COPY,
    },
    {
      id: 'temporal-cloud-retained-storage',
      service: 'temporal-cloud',
      description: 'Temporal Cloud retained storage (histories of closed workflows, for the namespace retention)',
      usd: 0.00105,
      per: 1,
      unit: 'GB-hour',
      source: 'https://docs.temporal.io/cloud/pricing',
      asOf: READ,
      note: TEMPORAL_COPY,
    },
    // An always-on worker (the Temporal worker); used only through the fixed monthly lines.
    {
      id: 'fargate-vcpu-hour-x86_64',
      service: 'fargate',
      description: 'Fargate Linux/x86 vCPU, on-demand',
      usd: 0.04048,
      per: 1,
      unit: 'vCPU-hour',
      source: 'https://aws.amazon.com/fargate/pricing/',
      asOf: '2026-03-10',
      note: `${NOT_REREAD}; figure from third-party summaries of the AWS page (wring.co Fargate pricing guide, 2026-03-10; vantage.sh Fargate pricing)`,
    },
    {
      id: 'fargate-gb-hour-x86_64',
      service: 'fargate',
      description: 'Fargate Linux/x86 memory, on-demand',
      usd: 0.004445,
      per: 1,
      unit: 'GB-hour',
      source: 'https://aws.amazon.com/fargate/pricing/',
      asOf: '2026-03-10',
      note: `${NOT_REREAD}; figure from third-party summaries of the AWS page (wring.co Fargate pricing guide, 2026-03-10; vantage.sh Fargate pricing)`,
    },
    {
      id: 'vpc-public-ipv4-hour',
      service: 'vpc',
      description: 'Public IPv4 address in use (the Fargate task has one: assignPublicIp)',
      usd: 0.005,
      per: 1,
      unit: 'address-hour',
      source: 'https://aws.amazon.com/vpc/pricing/',
      asOf: READ,
      note: 'charged since 2024-02-01 on every public IPv4 address; figure as AWS announced it (aws.amazon.com/blogs/aws/new-aws-public-ipv4-address-charge-public-ip-insights), the VPC page itself not read',
    },
    {
      id: 'cloudwatch-logs-ingest',
      service: 'cloudwatch',
      description: 'CloudWatch Logs ingestion (standard class; vended logs start at the same price)',
      usd: 0.5,
      per: 1,
      unit: 'GB',
      source: 'https://aws.amazon.com/cloudwatch/pricing/',
      asOf: READ,
      freePerMonth: 5,
      note: 'free tier: 5 GB a month; the page itself not read, figure from summaries of it (c3x.dev, hykell.com, 2026); storage ($0.03/GB-month) not modelled',
    },
    {
      id: 'xray-trace-recorded',
      service: 'xray',
      description: 'X-Ray trace recorded (the Step Functions stack traces every execution)',
      usd: 5,
      per: M,
      unit: 'trace',
      source: 'https://aws.amazon.com/xray/pricing/',
      asOf: READ,
      freePerMonth: 100_000,
      note: `read ${READ} from stored copies of the page (its de and cn editions); free tier: 100,000 traces a month`,
    },
    {
      id: 'sqs-esm-idle-request',
      service: 'sqs',
      description: 'SQS requests of a Lambda event source mapping polling an idle queue',
      usd: 0.4,
      per: M,
      unit: 'request',
      source: 'https://aws.amazon.com/sqs/pricing/',
      asOf: TAKEN,
      note: `${NOT_REREAD}; the same request price, kept as its own entry so the fixed line shows in the breakdown`,
    },
  ],
  temporalPlans: [
    {
      id: 'business',
      name: 'Business',
      minimumMonthlyUsd: 500,
      usagePct: 10,
      includedActions: 2_500_000,
      includedActiveGb: 2.5,
      includedRetainedGb: 100,
      volumeTiers: true,
      source: 'https://docs.temporal.io/cloud/pricing',
      asOf: READ,
    },
    {
      id: 'developer',
      name: 'Developer',
      minimumMonthlyUsd: 0,
      usagePct: 10,
      includedActions: 0,
      includedActiveGb: 0,
      includedRetainedGb: 0,
      volumeTiers: false,
      source: 'https://docs.temporal.io/cloud/pricing',
      asOf: READ,
    },
  ],
};

/** The plan a production deployment takes ("production deployments that scale"), unless told otherwise. */
export const DEFAULT_TEMPORAL_PLAN = 'business';
/** Free tiers are off by default: an account shares them with all it runs, so they would flatter a small variant. */
export const DEFAULT_FREE_TIER = false;
