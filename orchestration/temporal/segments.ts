import type { SegmentNatures } from '../../shared/variant/segments.ts';

/** What each segment of an order's time is in the Temporal saga (the report's "Where the time goes"). */
export const segments: SegmentNatures = {
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
};
