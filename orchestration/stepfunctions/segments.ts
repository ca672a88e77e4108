import type { SegmentNatures } from '../../shared/variant/segments.ts';

/** What each segment of an order's time is in the Step Functions saga (the report's "Where the time goes"). */
export const segments: SegmentNatures = {
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
};
