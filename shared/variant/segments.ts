/**
 * The segments an order's latency splits into, in the order they happen. Their
 * sum is the order's latency exactly, so their means stack to the mean latency.
 * The harness computes them (bench/attribution.ts); each variant says what each
 * one is in its pattern (its registry entry's `segments`), so the report needs
 * no per-variant table of its own.
 */
export const SEGMENTS = ['submit', 'first-hop', 'handler', 'dynamodb', 'publish', 'answer', 'hand-off', 'retry-wait', 'close'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const SEGMENT_MEANING: Record<Segment, string> = {
  submit: 'the submit call until the system accepted the order, less the AWS calls the accept made (counted under dynamodb and publish)',
  'first-hop': 'from acceptance until the first step ran (start of the execution or workflow; the outbox and the bus for the choreography)',
  handler: "the steps' own compute (a step's time outside its AWS calls)",
  dynamodb: "the steps' DynamoDB calls, and the accept's where the edge reports them",
  publish: "the steps' SNS and SQS calls (the choreography's publish), and the accept's where the edge reports them",
  answer: "the task's answer to the engine (Step Functions' SendTaskSuccess/Failure)",
  'hand-off': 'between one step on the critical path and the next: delivery, queue wait, engine scheduling',
  'retry-wait': "before a retried step: the planned transient failure's backoff and redelivery",
  close: 'from the last step until the engine recorded the order as ended',
};

/**
 * `inherent`: any faithful build of the pattern on these services pays it;
 * `implementation`: a choice of this code or of the local substrate that another
 * build could avoid; `workload`: what the seeded failures ask for; `none`: the
 * pattern has no such segment.
 */
export type Nature = 'inherent' | 'implementation' | 'workload' | 'none';

/** What each segment is in one variant, and why it is of that nature. */
export type SegmentNatures = Record<Segment, { nature: Nature; why: string }>;
