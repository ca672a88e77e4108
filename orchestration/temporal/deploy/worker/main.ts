// The Temporal worker in its container on AWS (ECS Fargate): the same
// startWorker (workflow, activities, shared service code) the local worker
// process runs, with AWS clients from the task role and the Temporal address,
// namespace and API key from the environment ECS fills from Secrets Manager
// (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, read by
// @temporalio/envconfig exactly as the temporal CLI reads them).
import { createAwsClients } from '../../../../shared/aws/clients.ts';
import { resolveTemporalTarget } from '../../../../shared/temporal/connection.ts';
import { tableNamesSchema } from '../../../../shared/topology/tables.ts';
import { startWorker } from '../../worker.ts';
import { WORKER_ENV } from './env.ts';

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set; the temporal-worker stack sets it on the task definition`);
    process.exit(2);
  }
  return v;
};

const tables = tableNamesSchema.parse(JSON.parse(need(WORKER_ENV.tables)));
const taskQueue = need(WORKER_ENV.taskQueue);
const target = resolveTemporalTarget();
const clients = createAwsClients({ kind: 'aws' });
const worker = await startWorker(target, clients, tables, { taskQueue });
console.log(JSON.stringify({ ready: 'temporal-worker', taskQueue, namespace: target.namespace, address: target.address }));

// ECS stops a task with SIGTERM, then SIGKILL after the stop timeout: finish what is running in between.
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ stopping: signal }));
  void worker.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
