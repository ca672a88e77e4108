import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { connectClient, type TemporalTarget } from '../../temporal/connection.ts';
import { connectWorker, installWorkerRuntime } from '../../temporal/worker-connection.ts';
import { probeActivities } from './temporal-activities.ts';
import { uniqueName } from './names.ts';

export interface TemporalResult {
  result: { reserved: string; chargeAttempt: number };
  activityTasksStarted: number;
  activityAttemptsOfCharge: number;
  historyLength: number;
}

/** Two activities run by a real Worker against the dev server; the second fails once and is retried by the server. */
export async function probeTemporal(target: TemporalTarget): Promise<TemporalResult> {
  installWorkerRuntime();
  const taskQueue = uniqueName('probe');
  const connection = await connectWorker(target);
  const { client, connection: clientConnection } = await connectClient(target);
  try {
    const worker = await Worker.create({
      connection,
      namespace: target.namespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./temporal-workflows.ts', import.meta.url)),
      activities: probeActivities,
    });
    const workflowId = uniqueName('order');
    const result = await worker.runUntil(
      client.workflow.execute('probeSaga', { taskQueue, workflowId, args: [workflowId, 1] }) as Promise<TemporalResult['result']>,
    );
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const events = history.events ?? [];
    const started = events.filter((e) => e.activityTaskStartedEventAttributes);
    // The server records one Started event per activity, carrying the attempt that completed it.
    const chargeStarted = started.at(-1);
    return {
      result,
      activityTasksStarted: started.length,
      activityAttemptsOfCharge: chargeStarted?.activityTaskStartedEventAttributes?.attempt ?? 1,
      historyLength: events.length,
    };
  } finally {
    await clientConnection.close();
    await connection.close();
  }
}
