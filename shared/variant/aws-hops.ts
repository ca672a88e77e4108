/**
 * The kinds of hop an order's critical path is made of on AWS and Temporal Cloud:
 * what a variant's path is declared in (its `awsPath`), so the projection of its
 * latency on AWS (bench/projection) never branches on a variant's name. The latency
 * of each kind, and the public page each figure comes from, live with the projection
 * (bench/projection/hop-latencies.ts): here are only the names.
 */
export const HOP_KINDS = [
  /** An event published to SNS, delivered to a service's SQS queue, handed to its Lambda by an event source mapping. */
  'sns-sqs-lambda',
  /** A DynamoDB table's stream handed to a Lambda function by an event source mapping (the choreography's outbox). */
  'dynamodb-streams-lambda',
  /** An event put on an EventBridge bus, delivered by a rule to a service's SQS queue, handed to its Lambda by an event source mapping. */
  'eventbridge-sqs-lambda',
  /** A Step Functions Standard state invoking its task's Lambda function synchronously, after the previous state ended. */
  'sfn-standard-lambda-task',
  /** Temporal Cloud accepting a StartWorkflowExecution. */
  'temporal-cloud-start-workflow',
  /** One worker request answered by Temporal Cloud (a workflow task's commands, an activity's completion). */
  'temporal-cloud-worker-request',
] as const;
export type HopKind = (typeof HOP_KINDS)[number];

/** Segments of the local attribution (bench/attribution.ts) a hop can stand for besides the hand-off itself. */
export type FoldedSegment = 'publish' | 'answer';

/**
 * A variant's critical path on AWS, as hops. The number of steps on an order's path is
 * the variant's own `criticalPathHops`; between two of them lie the `handOff` hops.
 * Everything not named here (the steps' own compute and DynamoDB calls, planned retry
 * backoffs, and `submit`/`close` when absent) is carried over from the local measurement.
 */
export interface AwsPath {
  /** In place of the accept call; absent: the locally measured call is carried over. */
  submit?: readonly HopKind[];
  /** From acceptance until the first step runs. */
  first: readonly HopKind[];
  /** From one step on the critical path until the next runs. */
  handOff: readonly HopKind[];
  /** From the last step until the order is recorded as ended; absent: carried over. */
  close?: readonly HopKind[];
  /** Local segments inside the steps that the hops above already contain (a bus's publish call, a callback's answer). */
  folds: readonly FoldedSegment[];
  /** Why the path is what it is, for the report's notes. */
  why: string;
}

/**
 * A variant whose hops on AWS have no published latency to draw: it says why, and the
 * projection leaves it out (the results and the report carry the reason) rather than guess.
 */
export interface NotProjected {
  notProjected: string;
}

export const isProjected = (p: AwsPath | NotProjected): p is AwsPath => !('notProjected' in p);
