import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import type { AwsClients } from '../../shared/aws/clients.ts';
import type { TableNames } from '../../shared/topology/tables.ts';
import { type TemporalTarget } from '../../shared/temporal/connection.ts';
import { connectWorker, installWorkerRuntime } from '../../shared/temporal/worker-connection.ts';
import { cachedWorkflowBundle } from '../../shared/temporal/workflow-bundle.ts';
import { createActivities } from './activities.ts';
import type { TraceSink } from '../../shared/messaging/trace.ts';

/** The worker's concurrency unless a benchmark turns it; the floor's worker uses the same, so both poll alike. */
export const WORKER_CONCURRENCY = { maxConcurrentActivityTaskExecutions: 50, maxConcurrentWorkflowTaskExecutions: 50 } as const;

export interface WorkerOptions {
  taskQueue: string;
  /** Concurrency knobs a benchmark may turn. */
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  trace?: TraceSink;
}

export interface RunningWorker {
  stop(): Promise<void>;
}

/** A Worker that runs the order saga and its activities until stopped. */
export async function startWorker(
  target: TemporalTarget,
  clients: AwsClients,
  tables: TableNames,
  opts: WorkerOptions,
): Promise<RunningWorker> {
  installWorkerRuntime();
  const connection = await connectWorker(target);
  const worker = await Worker.create({
    connection,
    namespace: target.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await cachedWorkflowBundle(fileURLToPath(new URL('./workflow.ts', import.meta.url))),
    activities: createActivities(clients, tables, opts.trace),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? WORKER_CONCURRENCY.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTaskExecutions ?? WORKER_CONCURRENCY.maxConcurrentWorkflowTaskExecutions,
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
