import type { SegmentNatures } from '../../shared/variant/segments.ts';

/** What each segment of an order's time is in the choreography on EventBridge (the report's "Where the time goes"). */
export const segments: SegmentNatures = {
  submit: {
    nature: 'inherent',
    why: "the call to the orders process's API, which accepts once its ES/CQRS append (OrderPlaced, its outbox item and its projection in one transaction, under dynamodb) and the PutEvents on commit (under publish) are done",
  },
  'first-hop': {
    nature: 'inherent',
    why: 'the outbox puts OrderPlaced on the EventBridge bus, whose rule delivers it to the inventory queue (LOCAL EMULATOR: moto delivers inside PutEvents; AWS adds its own routing delay)',
  },
  handler: { nature: 'implementation', why: "the services' own code and SDK work" },
  dynamodb: {
    nature: 'inherent',
    why: "the services' writes, which every variant makes, plus the event store's transactional appends (the accept's and one per hop, the projection in each), which ES/CQRS requires",
  },
  publish: {
    nature: 'inherent',
    why: 'each service puts its events on the bus (PutEvents, batched per reaction): the choreography\u2019s hand-over',
  },
  answer: { nature: 'none', why: 'no engine to answer' },
  'hand-off': { nature: 'inherent', why: 'rule match to SQS delivery and the consumer\u2019s long poll: the bus between services' },
  'retry-wait': { nature: 'workload', why: "the planned transient failure's backoff (1 s, 2 s) and redelivery" },
  close: { nature: 'none', why: 'the decision is the terminal time' },
};
