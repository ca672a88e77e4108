// An orchestration worker as a process: the Step Functions callback worker or
// the Temporal worker, over the shared service code. Started and stopped by
// startWorkerProcesses; exits when its parent closes stdin.
import fs from 'node:fs';
import { createAwsClients } from '../shared/aws/clients.ts';
import { faultsFromEnv } from '../shared/aws/faults.ts';
import { flushMeterEvery } from '../shared/runtime/meter-file.ts';
import { resolveTemporalTarget } from '../shared/temporal/connection.ts';
import { onParentGone } from '../shared/runtime/children.ts';
import { FileTraceSink } from '../shared/messaging/trace.ts';
import { workerConfigSchema } from './worker-config.ts';
import { startCallbackWorker } from './stepfunctions/callback-worker.ts';
import { startWorker } from './temporal/worker.ts';

const [configPath] = process.argv.slice(2);
if (!configPath) {
  console.error('usage: worker-main <config.json>');
  process.exit(2);
}
const config = workerConfigSchema.parse(JSON.parse(fs.readFileSync(configPath, 'utf8')));
const clients = createAwsClients({ kind: 'local', endpoints: config.endpoints }, undefined, faultsFromEnv());
const trace = config.traceFile ? new FileTraceSink(config.traceFile.replace('{pid}', String(process.pid))) : undefined;
const worker =
  config.kind === 'stepfunctions'
    ? startCallbackWorker(clients, config.tables, config.queueUrl, trace)
    : await startWorker(resolveTemporalTarget(config.temporal), clients, config.tables, {
        taskQueue: config.taskQueue,
        ...(trace ? { trace } : {}),
        ...(config.maxConcurrentActivityTaskExecutions
          ? { maxConcurrentActivityTaskExecutions: config.maxConcurrentActivityTaskExecutions }
          : {}),
        ...(config.maxConcurrentWorkflowTaskExecutions
          ? { maxConcurrentWorkflowTaskExecutions: config.maxConcurrentWorkflowTaskExecutions }
          : {}),
      });
const meterFile = config.meterFile
  ? flushMeterEvery(config.meterFile.replace('{pid}', String(process.pid)), clients.meter, 1000, trace)
  : undefined;
onParentGone(async () => {
  await worker.stop();
  meterFile?.close();
});
process.stdout.write(`${JSON.stringify({ ready: config.kind, pid: process.pid })}\n`);
