import type { SegmentNatures } from '../shared/variant/segments.ts';

/** What each segment of an order's time is in the choreography (the report's "Where the time goes"). */
export const segments: SegmentNatures = {
  submit: {
    nature: 'inherent',
    why: "the call to the orders process's API, which accepts once its ES/CQRS append (OrderPlaced, its outbox item and its projection in one transaction, under dynamodb) and the publish on commit (under publish) are done",
  },
  'first-hop': {
    nature: 'inherent',
    why: 'OrderPlaced goes to SNS as its append commits, and SNS delivers it to the inventory queue (the outbox poll is the recovery path)',
  },
  handler: { nature: 'implementation', why: "the services' own code and SDK work" },
  dynamodb: {
    nature: 'inherent',
    why: "the services' writes, which every variant makes, plus the event store's transactional appends (the accept's and one per hop, the projection in each), which ES/CQRS requires",
  },
  publish: { nature: 'inherent', why: 'each service publishes its event to SNS: the choreography\u2019s hand-over' },
  answer: { nature: 'none', why: 'no engine to answer' },
  'hand-off': { nature: 'inherent', why: 'SNS to SQS delivery and the consumer\u2019s long poll: the bus between services' },
  'retry-wait': { nature: 'workload', why: "the planned transient failure's backoff (1 s, 2 s) and redelivery" },
  close: { nature: 'none', why: 'the decision is the terminal time' },
};
