// The Temporal floor's worker as a process: the floor workflow and its no-op
// activity, with the variant worker's concurrency (orchestration/temporal/worker.ts).
// Exits when its parent closes stdin (onParentGone).
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { type TemporalTarget } from '../../../shared/temporal/connection.ts';
import { connectWorker, installWorkerRuntime } from '../../../shared/temporal/worker-connection.ts';
import { cachedWorkflowBundle } from '../../../shared/temporal/workflow-bundle.ts';
import { onParentGone } from '../../../shared/runtime/children.ts';
import { reportMeter } from '../../../shared/variant/floor.ts';
import type { FloorActivities } from './floor-workflow.ts';
import { WORKER_CONCURRENCY } from '../worker.ts';

const { target, taskQueue } = JSON.parse(process.argv[2] ?? 'null') as { target: TemporalTarget; taskQueue: string };
installWorkerRuntime();
const connection = await connectWorker(target);
const activities: FloorActivities = { async hop() {} };
const worker = await Worker.create({
  connection,
  namespace: target.namespace,
  taskQueue,
  workflowBundle: await cachedWorkflowBundle(fileURLToPath(new URL('./floor-workflow.ts', import.meta.url))),
  activities,
  ...WORKER_CONCURRENCY,
});
const running = worker.run();
onParentGone(async () => {
  worker.shutdown();
  await running;
  await connection.close();
  // No AWS clients here; the empty line keeps the floors' child protocol one protocol.
  await reportMeter([]);
});
process.stdout.write(`${JSON.stringify({ ready: 'floor-temporal-worker', pid: process.pid })}\n`);
