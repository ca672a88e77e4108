import { RETRY_POLICY } from '../../shared/domain/retry.ts';
import type { OrderStatus } from '../../shared/domain/order.ts';
import type { TaskName } from '../tasks.ts';

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

/** The one definition builder: the local provisioning and the CDK stack both call it. */
export function buildSagaDefinition(opts: SagaDefinitionOptions): { Comment: string; StartAt: string; States: Record<string, State> } {
  const retry = [
    {
      ErrorEquals: ['TransientError'],
      IntervalSeconds: RETRY_POLICY.initialIntervalSeconds,
      BackoffRate: RETRY_POLICY.backoffRate,
      MaxAttempts: RETRY_POLICY.maxAttempts - 1,
      MaxDelaySeconds: RETRY_POLICY.maxIntervalSeconds,
    },
  ];
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
      ...(extra.retry ? { Retry: retry } : {}),
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
