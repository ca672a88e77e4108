import type { Results } from '../results/schema.ts';
import { fmtLevel, fmtMs, variantLabel } from './format.ts';
import { col, num, text, type Cell, type Table } from './table.ts';
import type { VariantName } from '../../infra/variants.ts';
import { SEGMENTS, SEGMENT_MEANING, type Segment } from '../attribution.ts';

/**
 * Which segments of an order's time the coordination style requires, and which
 * are this implementation's (or the workload's) own, per variant. `inherent`: any
 * faithful build of the pattern on these services pays it; `implementation`: a
 * choice of this code or of the local substrate that another build could avoid;
 * `workload`: what the seeded failures ask for.
 */
export type Nature = 'inherent' | 'implementation' | 'workload' | 'none';

export const SEGMENT_NATURE: Record<VariantName, Record<Segment, { nature: Nature; why: string }>> = {
  choreography: {
    submit: { nature: 'inherent', why: 'ES/CQRS: the orders service appends OrderPlaced to its event store before it accepts' },
    'first-hop': {
      nature: 'inherent',
      why: 'the outbox hands OrderPlaced to SNS, which delivers it to the inventory queue (the publisher is woken by the append; its poll is the recovery path)',
    },
    handler: { nature: 'implementation', why: "the services' own code and SDK work" },
    dynamodb: {
      nature: 'inherent',
      why: "the services' writes, which every variant makes, plus the event store's transactional appends, which ES/CQRS requires",
    },
    publish: { nature: 'inherent', why: 'each service publishes its event to SNS: the choreography\u2019s hand-over' },
    answer: { nature: 'none', why: 'no engine to answer' },
    'hand-off': { nature: 'inherent', why: 'SNS to SQS delivery and the consumer\u2019s long poll: the bus between services' },
    'retry-wait': { nature: 'workload', why: "the planned transient failure's backoff (1 s, 2 s) and redelivery" },
    close: { nature: 'none', why: 'the decision is the terminal time' },
  },
  eventbridge: {
    submit: { nature: 'inherent', why: 'ES/CQRS: the orders service appends OrderPlaced to its event store before it accepts' },
    'first-hop': {
      nature: 'inherent',
      why: 'the outbox puts OrderPlaced on the EventBridge bus, whose rule delivers it to the inventory queue (LOCAL EMULATOR: moto delivers inside PutEvents; AWS adds its own routing delay)',
    },
    handler: { nature: 'implementation', why: "the services' own code and SDK work" },
    dynamodb: {
      nature: 'inherent',
      why: "the services' writes, which every variant makes, plus the event store's transactional appends, which ES/CQRS requires",
    },
    publish: {
      nature: 'inherent',
      why: 'each service puts its events on the bus (PutEvents, batched per reaction): the choreography\u2019s hand-over',
    },
    answer: { nature: 'none', why: 'no engine to answer' },
    'hand-off': { nature: 'inherent', why: 'rule match to SQS delivery and the consumer\u2019s long poll: the bus between services' },
    'retry-wait': { nature: 'workload', why: "the planned transient failure's backoff (1 s, 2 s) and redelivery" },
    close: { nature: 'none', why: 'the decision is the terminal time' },
  },
  stepfunctions: {
    submit: { nature: 'inherent', why: 'StartExecution' },
    'first-hop': { nature: 'inherent', why: 'the engine starts the execution and sends the first task to the callback queue' },
    handler: { nature: 'implementation', why: "the services' own code and SDK work" },
    dynamodb: {
      nature: 'inherent',
      why: "the services' writes, which every variant makes, plus the status records the saga writes as tasks (a choice, kept so every variant's orders table compares)",
    },
    publish: { nature: 'none', why: 'no publish' },
    answer: { nature: 'inherent', why: 'SendTaskSuccess/Failure: how a callback task reports (on AWS a Lambda task returns instead)' },
    'hand-off': {
      nature: 'inherent',
      why: "the engine's transition to the next Task and the callback queue's delivery (a LOCAL binding: on AWS a Lambda invocation)",
    },
    'retry-wait': { nature: 'workload', why: "the planned transient failure's Retry backoff (1 s, 2 s)" },
    close: { nature: 'inherent', why: 'the engine records the execution as stopped' },
  },
  temporal: {
    submit: { nature: 'inherent', why: 'StartWorkflowExecution' },
    'first-hop': { nature: 'inherent', why: 'the first workflow task, then the first activity task, through the server' },
    handler: { nature: 'implementation', why: "the services' own code and SDK work" },
    dynamodb: {
      nature: 'inherent',
      why: "the services' writes, which every variant makes, plus the status records the saga writes as activities (a choice, kept so every variant's orders table compares)",
    },
    publish: { nature: 'none', why: 'no publish' },
    answer: { nature: 'none', why: 'the SDK completes the activity; its time shows in the hand-off' },
    'hand-off': {
      nature: 'inherent',
      why: 'activity completion, a workflow task to decide the next activity, and its dispatch: the server round trips between activities',
    },
    'retry-wait': { nature: 'workload', why: "the planned transient failure's retry backoff (1 s, 2 s)" },
    close: { nature: 'inherent', why: 'the last workflow task completes the workflow' },
  },
  'lambda-durable': {
    submit: {
      nature: 'implementation',
      why: 'SIMULATED: the local runner starts the execution in-process (on AWS an Invoke with an execution name)',
    },
    'first-hop': { nature: 'implementation', why: 'SIMULATED: the local checkpoint server records the start and the first step' },
    handler: { nature: 'implementation', why: "the services' own code and SDK work" },
    dynamodb: {
      nature: 'inherent',
      why: "the services' writes, which every variant makes, plus the status records the saga writes as steps (a choice, kept so every variant's orders table compares)",
    },
    publish: { nature: 'none', why: 'no publish' },
    answer: { nature: 'none', why: "the step's result is checkpointed; its time shows in the hand-off" },
    'hand-off': {
      nature: 'implementation',
      why: "SIMULATED: the local checkpoint server between steps (on AWS a CheckpointDurableExecution call; not Lambda's latency)",
    },
    'retry-wait': { nature: 'workload', why: "the planned transient failure's retry backoff (1 s, 2 s), in real time" },
    close: { nature: 'implementation', why: 'SIMULATED: the runner records the execution as succeeded' },
  },
};

export const segmentMeaning = (s: Segment): string => SEGMENT_MEANING[s];
export { SEGMENTS };

/** One colour per segment, the same in every waterfall. */
export const SEGMENT_COLORS: Record<Segment, string> = {
  submit: '#bab0ac',
  'first-hop': '#4c78a8',
  handler: '#f58518',
  dynamodb: '#9d755d',
  publish: '#72b7b2',
  answer: '#b279a2',
  'hand-off': '#54a24b',
  'retry-wait': '#eeca3b',
  close: '#e45756',
};

/**
 * Per variant and segment: what it is, whether the pattern requires it, and its
 * mean, p50 and p99 at each load level. A segment that is zero everywhere and that
 * the pattern does not have is left out.
 */
export function segmentsTable(r: Results): Table | null {
  const levels = [...new Set(r.variants.flatMap((v) => v.levels.filter((l) => l.segmentsMs).map((l) => l.level)))].sort((a, b) => a - b);
  if (!levels.length) return null;
  const rows: Cell[][] = [];
  for (const v of r.variants) {
    const measured = v.levels.filter((l) => l.segmentsMs);
    if (!measured.length) continue;
    for (const s of SEGMENTS) {
      const nature = SEGMENT_NATURE[v.name][s];
      if (nature.nature === 'none' && measured.every((l) => l.segmentsMs![s].p99 === 0)) continue;
      rows.push([
        text(variantLabel(v.name)),
        text(s),
        text(nature.nature),
        text(nature.why),
        ...levels.map((lv) => {
          const seg = v.levels.find((l) => l.level === lv)?.segmentsMs?.[s];
          return num(seg ? `${fmtMs(seg.mean)} · ${fmtMs(seg.p50)} / ${fmtMs(seg.p99)}` : '—');
        }),
      ]);
    }
  }
  return {
    id: 'segments',
    title: 'Where the time goes: segments of the critical path',
    caption:
      'Each order\u2019s latency split along its critical path (the step that ended it, the step that caused that one, back to the submit call); the segments add up to the latency. Per load: mean · p50 / p99 ms over the measured orders. inherent: any build of the pattern on these services pays it; implementation: this code\u2019s own; workload: the planned failures.',
    columns: [
      col('variant'),
      col('segment', false, true),
      col('nature'),
      col('what it is'),
      ...levels.map((l) => col(`${fmtLevel(l, r.workload.loop)} ms`, true, true)),
    ],
    rows,
  };
}
