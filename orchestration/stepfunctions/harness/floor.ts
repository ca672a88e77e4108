import path from 'node:path';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createAwsClients, LOCAL_ACCOUNT, type AwsClients } from '../../../shared/aws/clients.ts';
import { VISIBILITY_TIMEOUT_SECONDS } from '../../../shared/topology/choreography.ts';
import { PROJECT_ROOT } from '../../../shared/paths.ts';
import { CALLBACK_RESOURCE } from '../../../shared/engines/probes/stepfunctions.ts';
import { PendingCompletions } from '../../../shared/variant/pending.ts';
import { watchEndedExecutions } from './ended-executions.ts';
import { mergeCounts } from '../../../shared/aws/metering.ts';
import { callsSince, startFloorChild, type FloorChild, type FloorTarget } from '../../../shared/variant/floor.ts';

/**
 * `hops` Task states on the variant's local binding and nothing else. The
 * message has the shape the probe worker answers (taskToken, executionName,
 * input), and ResultPath null keeps the state as it was: no data flows.
 */
export function floorDefinition(queueUrl: string, hops: number) {
  const name = (i: number) => `Hop${i}`;
  const states: Record<string, object> = {};
  for (let i = 1; i <= hops; i++) {
    states[name(i)] = {
      Type: 'Task',
      Resource: CALLBACK_RESOURCE,
      Parameters: {
        QueueUrl: queueUrl,
        MessageBody: { 'taskToken.$': '$$.Task.Token', 'executionName.$': '$$.Execution.Name', input: {} },
      },
      ResultPath: null,
      ...(i === hops ? { End: true } : { Next: name(i + 1) }),
    };
  }
  return { Comment: `sagabench substrate floor: ${hops} no-op callback tasks`, StartAt: name(1), States: states };
}

/**
 * The Step Functions substrate alone: a STANDARD machine of no-op callback tasks,
 * answered at once by the probe's task worker (shared/engines/probes/sfn-task-worker.ts)
 * in a child process, polling as the variant's worker does. terminalAt is the
 * execution's stopDate, read by one ListExecutions loop for every pending id.
 */
export async function stepFunctionsFloor(clients: AwsClients, prefix: string, hops: number): Promise<FloorTarget> {
  if (clients.target.kind !== 'local') throw new Error('the Step Functions floor runs on the local substrate');
  if (!Number.isInteger(hops) || hops < 1) throw new Error(`hops must be a positive integer, not ${hops}`);
  const own = callsSince(clients.meter);
  const queueUrl = (
    await clients.sqs.send(
      new CreateQueueCommand({ QueueName: `${prefix}-floor-tasks`, Attributes: { VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS) } }),
    )
  ).QueueUrl!;
  const stateMachineArn = (
    await clients.sfn.send(
      new CreateStateMachineCommand({
        name: `${prefix}-floor`,
        type: 'STANDARD',
        roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/sagabench-local`,
        definition: JSON.stringify(floorDefinition(queueUrl, hops)),
      }),
    )
  ).stateMachineArn!;
  const script = path.join(PROJECT_ROOT, 'shared/engines/probes/sfn-task-worker.ts');
  const child: FloorChild = await startFloorChild(script, [queueUrl, JSON.stringify(clients.target.endpoints)]);

  // Watching executions is the harness's traffic, not the floor's: a client of its own.
  const reader = createAwsClients(clients.target);
  const pending = new PendingCompletions();
  const watcher = watchEndedExecutions(reader.sfn, stateMachineArn, {
    pushEndpoint: clients.target.endpoints.sfn,
    awaited: () => pending.pendingIds(),
    onEnded: (e) =>
      pending.resolve({
        id: e.name,
        status: e.status === 'SUCCEEDED' ? 'DONE' : `EXECUTION_${e.status}`,
        terminalAt: e.stopDate.getTime(),
      }),
  });

  let stopping: ReturnType<FloorTarget['stop']> | undefined;
  return {
    pids: [child.pid],
    async submit(id) {
      // Execution name = unit id: the poller finds the unit by it.
      await clients.sfn.send(new StartExecutionCommand({ stateMachineArn, name: id, input: '{}' }));
    },
    awaitTerminal: (id) => pending.wait(id),
    stop: () =>
      (stopping ??= (async () => {
        try {
          await watcher.stop();
          return { metered: mergeCounts(await child.stop(), own()), traces: [] };
        } finally {
          await child.stop();
          reader.destroy();
        }
      })()),
  };
}
