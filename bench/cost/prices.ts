import { z } from 'zod';

/**
 * The one price table the cost model reads. A results file records `version`, so a
 * figure can be traced to the table (and its sources) it was computed with; change a
 * price by publishing a new version, never by editing an old one in place.
 *
 * Figures without a note come from shared/notes/published-figures.md (prices section,
 * us-east-1) and were taken into this table on 2026-11-23. They are list prices of the
 * first volume tier: free tiers and volume discounts are deliberately not modelled, so
 * the comparison between variants does not depend on an account's other usage.
 *
 * Fixed monthly costs left out on purpose: the Temporal Cloud plan (its minimum is a
 * "greater of $X or a % of usage" with included actions and storage, not re-checked
 * here, so no figure is trusted) and Temporal Cloud storage. Fixed costs enter the
 * projection only as an explicit input (`fixedMonthlyUsd` in model.ts).
 */

export const PRICE_SERVICES = ['sqs', 'sns', 'sfn', 'lambda', 'dynamodb', 'temporal-cloud', 'fargate'] as const;

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
  })
  .strict();
export type Price = z.infer<typeof priceSchema>;

export const priceTableSchema = z
  .object({
    version: isoDate,
    region: z.string().min(1),
    currency: z.literal('USD'),
    prices: z.array(priceSchema).min(1),
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

const TAKEN = '2026-11-23';
const NOT_RECHECKED = 'not re-checked against the page on asOf';

export const PRICE_TABLE: PriceTable = {
  version: '2026-11-23',
  region: 'us-east-1',
  currency: 'USD',
  prices: [
    {
      id: 'sqs-standard-request',
      service: 'sqs',
      description: 'SQS Standard queue request (each 64 KB chunk of payload is one request)',
      usd: 0.4,
      per: 1_000_000,
      unit: 'request',
      source: 'https://aws.amazon.com/sqs/pricing/',
      asOf: TAKEN,
    },
    {
      id: 'sns-standard-publish',
      service: 'sns',
      description: 'SNS Standard topic publish (64 KB chunks); delivery to SQS and Lambda is free',
      usd: 0.5,
      per: 1_000_000,
      unit: 'request',
      source: 'https://aws.amazon.com/sns/pricing/',
      asOf: TAKEN,
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
    },
    {
      id: 'sfn-express-request',
      service: 'sfn',
      description: 'Step Functions Express execution request',
      usd: 1.0,
      per: 1_000_000,
      unit: 'request',
      source: 'https://aws.amazon.com/step-functions/pricing/',
      asOf: TAKEN,
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
    },
    {
      id: 'lambda-request',
      service: 'lambda',
      description: 'Lambda invocation request',
      usd: 0.2,
      per: 1_000_000,
      unit: 'request',
      source: 'https://aws.amazon.com/lambda/pricing/',
      asOf: TAKEN,
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
    },
    {
      id: 'dynamodb-ondemand-write',
      service: 'dynamodb',
      description: 'DynamoDB on-demand write request unit (after the Nov 2024 price cut)',
      usd: 0.625,
      per: 1_000_000,
      unit: 'write request unit',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      asOf: TAKEN,
    },
    {
      id: 'dynamodb-ondemand-read',
      service: 'dynamodb',
      description: 'DynamoDB on-demand read request unit (after the Nov 2024 price cut)',
      usd: 0.125,
      per: 1_000_000,
      unit: 'read request unit',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      asOf: TAKEN,
    },
    {
      id: 'temporal-cloud-action',
      service: 'temporal-cloud',
      description: 'Temporal Cloud action, first-tier rate (tiers go down to $25/M)',
      usd: 50,
      per: 1_000_000,
      unit: 'action',
      source: 'https://temporal.io/pricing',
      asOf: TAKEN,
    },
    // For an always-on worker (the Temporal worker, pollers); used only through fargateMonthlyUsd().
    {
      id: 'fargate-vcpu-hour-x86_64',
      service: 'fargate',
      description: 'Fargate Linux/x86 vCPU, on-demand',
      usd: 0.04048,
      per: 1,
      unit: 'vCPU-hour',
      source: 'https://aws.amazon.com/fargate/pricing/',
      asOf: '2026-03-10',
      note: `${NOT_RECHECKED}; figure from third-party summaries of the AWS page (wring.co Fargate pricing guide, 2026-03-10; vantage.sh Fargate pricing)`,
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
      note: `${NOT_RECHECKED}; figure from third-party summaries of the AWS page (wring.co Fargate pricing guide, 2026-03-10; vantage.sh Fargate pricing)`,
    },
  ],
};
