import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { MAX_RECEIVE_COUNT } from '../../shared/topology/choreography.ts';
import { CreateStateMachineCommand, GetExecutionHistoryCommand, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { UserError } from '../../shared/errors.ts';
import type { OrderDocument } from '../../shared/domain/contracts.ts';
import { provisionTables } from '../../shared/engines/provision.ts';
import type { TableNames } from '../../shared/topology/tables.ts';
import { stateMachineName } from '../../shared/topology/stacks.ts';
import { buildSagaDefinition, TASKS_VISIBILITY_TIMEOUT_SECONDS } from './definition.ts';
import { startCallbackWorker, type CallbackWorker } from './callback-worker.ts';
import { countStateTransitions } from './transitions.ts';

export interface LocalStepFunctions {
  tables: TableNames;
  stateMachineArn: string;
  queueUrl: string;
  dlqUrl: string;
  worker: CallbackWorker;
  /** Execution name = order id, so a second start of the same order is refused by the service. */
  start(order: OrderDocument): Promise<string>;
  history(executionArn: string): Promise<HistoryEvent[]>;
  transitions(executionArn: string): Promise<number>;
}

const LOCAL_ROLE = 'arn:aws:iam::123456789012:role/sagabench-stepfunctions';

/** Tables, tasks queue, the STANDARD state machine (callback binding) and a callback worker, on the local substrate. */
export async function startLocalStepFunctions(
  clients: AwsClients,
  prefix: string,
  opts: {
    type?: 'STANDARD' | 'EXPRESS';
    /** false: the caller runs worker processes (startWorkerProcesses). */ inProcessWorker?: boolean;
  } = {},
): Promise<LocalStepFunctions> {
  if (opts.type === 'EXPRESS') {
    // Refused before anything is created: moto ignores the type and runs EXPRESS as STANDARD,
    // and has no StartSyncExecution, so a local "EXPRESS" number would be a STANDARD number.
    throw new UserError(
      'EXPRESS state machines run on AWS only: the local emulator (moto) ignores the workflow type and has no StartSyncExecution. ' +
        'Use STANDARD locally; EXPRESS transitions are counted from the definition walk (walk.ts).',
      2,
    );
  }
  const tables = await provisionTables(clients, prefix);
  const dlqUrl = (await clients.sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-sfn-tasks-dlq` }))).QueueUrl!;
  const dlqArn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  // Poison (a task message that is not a task) leaves for the DLQ after the same number of receives as in the choreography.
  const queueUrl = (
    await clients.sqs.send(
      new CreateQueueCommand({
        QueueName: `${prefix}-sfn-tasks`,
        Attributes: {
          VisibilityTimeout: String(TASKS_VISIBILITY_TIMEOUT_SECONDS),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
        },
      }),
    )
  ).QueueUrl!;
  const { stateMachineArn } = await clients.sfn.send(
    new CreateStateMachineCommand({
      name: stateMachineName(prefix),
      type: 'STANDARD',
      roleArn: LOCAL_ROLE,
      definition: JSON.stringify(buildSagaDefinition({ binding: { kind: 'sqs-callback', queueUrl } })),
    }),
  );
  const worker = opts.inProcessWorker === false ? { stop: async () => {} } : startCallbackWorker(clients, tables, queueUrl);
  const history = async (executionArn: string) => (await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
  return {
    tables,
    stateMachineArn: stateMachineArn!,
    queueUrl,
    dlqUrl,
    worker,
    async start(order) {
      const r = await clients.sfn.send(
        new StartExecutionCommand({ stateMachineArn, name: order.orderId, input: JSON.stringify({ order }) }),
      );
      return r.executionArn!;
    },
    history,
    transitions: async (arn) => countStateTransitions(await history(arn)),
  };
}
