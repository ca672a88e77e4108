import { z } from 'zod';
import { HOP_KINDS, type HopKind } from '../../shared/variant/aws-hops.ts';

/**
 * The published latency figures the AWS projection draws from, and how each kind of
 * hop is made of them. Like the price table (bench/cost/prices.ts) it is dated and
 * versioned: change a figure by publishing a new version, never by editing one in place.
 *
 * Every figure cites the page it was read on (`source`), the date it was read
 * (`asOf`) and when and where it was measured (`measured`). Only p50 and p99 feed
 * the simulation (a lognormal through both); the other published percentiles are
 * kept so a reader can see how well that fits.
 */

const isoDate = z.iso.date();

export const publishedLatencySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    what: z.string().min(1),
    p50Ms: z.number().positive(),
    p99Ms: z.number().positive(),
    /** The other percentiles the source gives, for the reader to check the fit against. */
    alsoPublished: z.record(z.string().regex(/^p\d+$/), z.number().positive()).optional(),
    source: z.url({ protocol: /^https$/ }),
    publisher: z.string().min(1),
    asOf: isoDate,
    measured: z.string().min(1),
  })
  .strict()
  .refine((d) => d.p99Ms > d.p50Ms, { message: 'p99 must be above p50', path: ['p99Ms'] });
export type PublishedLatency = z.infer<typeof publishedLatencySchema>;

export const hopModelSchema = z
  .object({
    kind: z.enum(HOP_KINDS),
    /** The published figures one hop of this kind is drawn as: one draw of each, summed. */
    drawnAs: z.array(z.string()).min(1),
    /** Whether a figure for exactly this hop was published, or the hop is composed from the nearest ones. */
    published: z.boolean(),
    note: z.string().min(1),
  })
  .strict();
export type HopModel = z.infer<typeof hopModelSchema>;

export const hopTableSchema = z
  .object({ version: isoDate, figures: z.array(publishedLatencySchema).min(1), hops: z.array(hopModelSchema) })
  .strict()
  .superRefine((t, ctx) => {
    const ids = new Set(t.figures.map((f) => f.id));
    t.hops.forEach((h, i) =>
      h.drawnAs.forEach((d, j) => {
        if (!ids.has(d)) ctx.addIssue({ code: 'custom', path: ['hops', i, 'drawnAs', j], message: `no published figure ${d}` });
      }),
    );
    for (const k of HOP_KINDS)
      if (!t.hops.some((h) => h.kind === k)) ctx.addIssue({ code: 'custom', path: ['hops'], message: `no model for hop kind ${k}` });
    t.figures.forEach((f, i) => {
      if (f.asOf > t.version)
        ctx.addIssue({ code: 'custom', path: ['figures', i, 'asOf'], message: `asOf ${f.asOf} is after table version ${t.version}` });
    });
  });
export type HopTable = z.infer<typeof hopTableSchema>;

const BITE_SIZED = 'https://bitesizedserverless.com/bite/serverless-messaging-latency-compared/';
const BITE_SIZED_WHO = 'Bite-Sized Serverless (Luc van Donkersgoed), "Serverless Messaging: Latency Compared"';
const BITE_SIZED_WHEN = '2022-09-04/05, eu-west-1, 1,024 messages from a producer Lambda to a consumer Lambda';
const TEMPORAL = 'https://docs.temporal.io/evaluate/cloud/service-availability';
const TEMPORAL_WHO = 'Temporal Technologies, Temporal Cloud documentation, "Service availability"';
const TEMPORAL_WHEN = 'a week in August 2026, Temporal Cloud service latency (the page\'s "Historical latency data")';

export const HOP_TABLE: HopTable = hopTableSchema.parse({
  version: '2026-11-30',
  figures: [
    {
      id: 'aws-sqs-standard-lambda',
      what: 'SQS Standard → Lambda (event source mapping), producer publish to consumer start',
      p50Ms: 16.2,
      p99Ms: 105,
      alsoPublished: { p10: 13.7, p90: 33.8 },
      source: BITE_SIZED,
      publisher: BITE_SIZED_WHO,
      asOf: '2026-11-30',
      measured: BITE_SIZED_WHEN,
    },
    {
      id: 'aws-sns-standard-lambda',
      what: 'SNS Standard → Lambda (async invocation), producer publish to consumer start',
      p50Ms: 73,
      p99Ms: 225,
      alsoPublished: { p10: 62, p90: 125 },
      source: BITE_SIZED,
      publisher: BITE_SIZED_WHO,
      asOf: '2026-11-30',
      measured: BITE_SIZED_WHEN,
    },
    {
      id: 'aws-eventbridge-lambda',
      what: 'EventBridge (custom bus rule) → Lambda, producer PutEvents to consumer start',
      p50Ms: 148,
      p99Ms: 387,
      source: BITE_SIZED,
      publisher: BITE_SIZED_WHO,
      asOf: '2026-11-30',
      measured:
        "the page's EventBridge figures after AWS's 2023 EventBridge latency improvement (before it: p50 395 / p99 794 ms), producer Lambda to consumer Lambda, eu-west-1",
    },
    {
      id: 'aws-dynamodb-streams-lambda',
      what: 'DynamoDB Streams → Lambda (event source mapping), producer write to consumer start',
      p50Ms: 213,
      p99Ms: 552,
      alsoPublished: { p10: 118, p90: 341 },
      source: BITE_SIZED,
      publisher: BITE_SIZED_WHO,
      asOf: '2026-11-30',
      measured: BITE_SIZED_WHEN,
    },
    {
      id: 'aws-sfn-standard-sync-lambda',
      what: 'Step Functions Standard → Lambda (synchronous invoke), StartExecution by the producer to the task Lambda start',
      p50Ms: 99.1,
      p99Ms: 250,
      alsoPublished: { p10: 73, p90: 133 },
      source: BITE_SIZED,
      publisher: BITE_SIZED_WHO,
      asOf: '2026-11-30',
      measured: BITE_SIZED_WHEN,
    },
    {
      id: 'temporal-cloud-start-workflow',
      what: 'Temporal Cloud StartWorkflowExecution request latency',
      p50Ms: 20,
      p99Ms: 78,
      alsoPublished: { p90: 32 },
      source: TEMPORAL,
      publisher: TEMPORAL_WHO,
      asOf: '2026-11-30',
      measured: TEMPORAL_WHEN,
    },
    {
      id: 'temporal-cloud-start-activity',
      what: 'Temporal Cloud StartActivityExecution (standalone activity) request latency',
      p50Ms: 13,
      p99Ms: 45,
      alsoPublished: { p90: 19 },
      source: TEMPORAL,
      publisher: TEMPORAL_WHO,
      asOf: '2026-11-30',
      measured: TEMPORAL_WHEN,
    },
  ],
  hops: [
    {
      kind: 'sns-sqs-lambda',
      drawnAs: ['aws-sns-standard-lambda', 'aws-sqs-standard-lambda'],
      published: false,
      note: 'no published figure for SNS → SQS → Lambda; drawn as SNS → Lambda plus SQS → Lambda, which counts one hand-over to Lambda twice (likely pessimistic)',
    },
    {
      kind: 'eventbridge-sqs-lambda',
      drawnAs: ['aws-eventbridge-lambda', 'aws-sqs-standard-lambda'],
      published: false,
      note: 'no published figure for EventBridge → SQS → Lambda; drawn as EventBridge → Lambda plus SQS → Lambda, which counts one hand-over to Lambda twice (likely pessimistic, as for SNS)',
    },
    {
      kind: 'dynamodb-streams-lambda',
      drawnAs: ['aws-dynamodb-streams-lambda'],
      published: true,
      note: 'the published DynamoDB Streams → Lambda figure (default batching window)',
    },
    {
      kind: 'sfn-standard-lambda-task',
      drawnAs: ['aws-sfn-standard-sync-lambda'],
      published: true,
      note: 'published from StartExecution to the first task; used for every task (the end of one Task state to the start of the next is not published: it is taken to cost the same)',
    },
    {
      kind: 'temporal-cloud-start-workflow',
      drawnAs: ['temporal-cloud-start-workflow'],
      published: true,
      note: 'the published request latency; the network between the client and the region is not in it',
    },
    {
      kind: 'temporal-cloud-worker-request',
      drawnAs: ['temporal-cloud-start-activity'],
      published: false,
      note: "no published figure for a worker's requests (workflow task completion, activity completion) nor for task dispatch; each is drawn as the nearest published request, StartActivityExecution (the page's p99 SLO of 200 ms covers worker requests)",
    },
  ],
});

export function figureOf(table: HopTable, id: string): PublishedLatency {
  const f = table.figures.find((x) => x.id === id);
  if (!f) throw new Error(`hop table ${table.version}: no published figure ${id}`);
  return f;
}

export function hopModelOf(table: HopTable, kind: HopKind): HopModel {
  const h = table.hops.find((x) => x.kind === kind);
  if (!h) throw new Error(`hop table ${table.version}: no model for hop kind ${kind}`);
  return h;
}
