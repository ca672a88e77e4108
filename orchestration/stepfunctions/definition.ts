import { INFRASTRUCTURE_RETRIES, RETRY_POLICY } from '../../shared/domain/retry.ts';
import type { OrderStatus } from '../../shared/domain/order.ts';
import type { TaskName } from '../tasks.ts';
import { REDELIVERY_SECONDS } from '../../shared/topology/redelivery.ts';

/**
 * How a Task state reaches the service code. `sqs-callback`: the state sends
 * {taskToken, task, order} to a queue and waits (sqs:sendMessage.waitForTaskToken);
 * a worker answers with SendTaskSuccess/Failure; this is what the local emulator
 * really executes. `lambda`: the state invokes a function directly (AWS).
 */
export type TaskBinding = { kind: 'sqs-callback'; queueUrl: string } | { kind: 'lambda'; functionArn: string };

export interface SagaDefinitionOptions {
  binding: TaskBinding;
}

type State = Record<string, unknown>;

/**
 * How long a received task message (sqs-callback binding) stays the worker's before SQS hands it out
 * again: the redelivery setting (shared/topology/redelivery.ts), 30 s unless set.
 */
export const TASKS_VISIBILITY_TIMEOUT_SECONDS = REDELIVERY_SECONDS;

/**
 * How long one attempt of a task may go unanswered before the state gives up on
 * it (States.Timeout) and tries again: twice the tasks queue's visibility timeout
 * (60 s unless the redelivery setting says otherwise), so longer than it and than
 * the pause fault (5 s longer than it): a paused or crashed worker is waited
 * for; only an answer lost for good times out. The callback worker retries its
 * answer until then.
 */
export const TASK_TIMEOUT_SECONDS = 2 * REDELIVERY_SECONDS;

/**
 * Errors that say the infrastructure failed, not the step: retried by every Task,
 * never caught into compensation. `InfrastructureError`: a throttle or 5xx that
 * outlasted the worker's or handler's own retries (shared/aws/transient.ts);
 * `States.Timeout`: an attempt whose answer never came; the engine's own errors
 * for each binding: the sqs:sendMessage integration, and the Lambda service
 * errors AWS says to retry. One list for both bindings, so the definitions differ
 * only in how a task is reached.
 */
export const INFRASTRUCTURE_ERRORS = [
  'InfrastructureError',
  'States.Timeout',
  'SQS.SdkClientException',
  'SQS.AmazonSQSException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * Its own retrier, so infrastructure retries never spend the business retry
 * budget. Finite, as ASL requires: about 23 s of backoff in all, within the
 * order's deadline; reaching it at all takes a throttle that outlasted the
 * worker's retries.
 */
export const INFRASTRUCTURE_RETRY = {
  ErrorEquals: [...INFRASTRUCTURE_ERRORS],
  IntervalSeconds: 1,
  BackoffRate: 2,
  MaxAttempts: INFRASTRUCTURE_RETRIES,
  MaxDelaySeconds: 8,
} as const;

/** The one definition builder: the local provisioning and the CDK stack both call it. */
export function buildSagaDefinition(opts: SagaDefinitionOptions): { Comment: string; StartAt: string; States: Record<string, State> } {
  const businessRetry = {
    ErrorEquals: ['TransientError'],
    IntervalSeconds: RETRY_POLICY.initialIntervalSeconds,
    BackoffRate: RETRY_POLICY.backoffRate,
    MaxAttempts: RETRY_POLICY.maxAttempts - 1,
    MaxDelaySeconds: RETRY_POLICY.maxIntervalSeconds,
  };
  // Anything unexpected still compensates: refund, release, record CANCELLED.
  const catchAll = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Refund' }];

  const task = (
    name: TaskName,
    next: string,
    extra: { status?: OrderStatus; failure?: string; retry?: boolean; catch?: boolean } = {},
  ): State => {
    const payload: Record<string, unknown> = {
      task: name,
      'order.$': '$.order',
      // Counts infrastructure retries too, as Temporal's attempt does: harmless to outcomes while an
      // order's transient failures are fewer than the business attempts (every workload order's are),
      // since any attempt past them gets the planned verdict.
      'retryCount.$': '$$.State.RetryCount',
      ...(extra.status ? { status: extra.status } : {}),
      ...(extra.failure ? { failure: extra.failure } : {}),
    };
    const binding =
      opts.binding.kind === 'sqs-callback'
        ? {
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: opts.binding.queueUrl, MessageBody: { ...payload, 'taskToken.$': '$$.Task.Token' } },
          }
        : { Resource: opts.binding.functionArn, Parameters: payload };
    return {
      Type: 'Task',
      ...binding,
      ResultPath: `$.r.${name}`,
      TimeoutSeconds: TASK_TIMEOUT_SECONDS,
      Retry: extra.retry ? [businessRetry, INFRASTRUCTURE_RETRY] : [INFRASTRUCTURE_RETRY],
      ...(extra.catch ? { Catch: catchAll } : {}),
      Next: next,
    };
  };
  const choice = (variable: string, equals: string | boolean, then: string, otherwise: string): State => ({
    Type: 'Choice',
    Choices: [{ Variable: variable, ...(typeof equals === 'boolean' ? { BooleanEquals: equals } : { StringEquals: equals }), Next: then }],
    Default: otherwise,
  });

  return {
    Comment: 'sagabench order saga: reserve, charge, (cancel gate), ship, commit, notify; compensations release and refund',
    StartAt: 'RecordPending',
    States: {
      RecordPending: task('recordStatus', 'Reserve', { status: 'PENDING' }),
      Reserve: task('reserve', 'Reserved?', { catch: true }),
      'Reserved?': choice('$.r.reserve.status', 'OUT_OF_STOCK', 'RecordRejected', 'Charge'),
      RecordRejected: task('recordStatus', 'Rejected', { status: 'REJECTED', failure: 'out of stock' }),
      Rejected: { Type: 'Succeed' },
      Charge: task('charge', 'Charged?', { retry: true, catch: true }),
      'Charged?': choice('$.r.charge.status', 'DECLINED', 'ReleaseAfterDecline', 'CancelGate'),
      ReleaseAfterDecline: task('release', 'RecordCancelled', {}),
      // The customer's cancel is a flag the saga reads here, at the shipping gate.
      CancelGate: task('cancelGate', 'Cancelled?', { catch: true }),
      'Cancelled?': choice('$.r.cancelGate.cancelRequested', true, 'Block', 'Ship'),
      Block: task('block', 'Refund', {}),
      Ship: task('ship', 'Shipped?', { retry: true, catch: true }),
      'Shipped?': choice('$.r.ship.status', 'FAILED', 'Refund', 'Commit'),
      Refund: task('refund', 'Release', {}),
      Release: task('release', 'RecordCancelled', {}),
      RecordCancelled: task('recordStatus', 'Cancelled', { status: 'CANCELLED', failure: 'compensated' }),
      Cancelled: { Type: 'Succeed' },
      Commit: task('commit', 'Notify', { catch: true }),
      Notify: task('notify', 'RecordCompleted', { catch: true }),
      RecordCompleted: task('recordStatus', 'Completed', { status: 'COMPLETED' }),
      Completed: { Type: 'Succeed' },
    },
  };
}
