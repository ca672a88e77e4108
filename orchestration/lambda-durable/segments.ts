import type { SegmentNatures } from '../../shared/variant/segments.ts';

/** What each segment of an order's time is in the Lambda durable saga (the report's "Where the time goes"). */
export const segments: SegmentNatures = {
  submit: {
    nature: 'implementation',
    why: 'SIMULATED: the harness hands the order to the local function host, whose runner starts the execution (on AWS an Invoke with an execution name)',
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
};
