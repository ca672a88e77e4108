import fs from 'node:fs';
import path from 'node:path';
import { runDir } from '../../../shared/paths.ts';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { faultsFromEnv } from '../../../shared/aws/faults.ts';
import { parseOrderDocument } from '../../../shared/domain/contracts.ts';
import { FileTraceSink } from '../../../shared/messaging/trace.ts';
import type { DeployedRun, LocalRun } from '../../../shared/variant/variant.ts';
import { PendingCompletions } from '../../../shared/variant/pending.ts';
import { readProcessReports, type VariantTarget } from '../../../shared/variant/target.ts';
import { ProcessGroup } from '../../../shared/runtime/process-group.ts';
import type { TableNames } from '../../../shared/topology/tables.ts';
import { startLocalDurable, type ExecutionUsage } from '../local.ts';

/**
 * The durable saga under load: each accepted order runs as one durable execution in
 * the harness's process (the testing SDK's local runner; there is no local Lambda).
 * The services' calls are real and metered on the variant's own clients; the terminal
 * time is when the execution returned, after its last checkpoint.
 */
export async function lambdaDurableTarget(run: LocalRun): Promise<VariantTarget> {
  const dir = path.join(runDir(), 'traces', run.prefix);
  return durableTarget(run.clients, { prefix: run.prefix }, dir, 'local durable runner (simulated orchestration)');
}

/**
 * A local deployment of the durable saga is its service tables only: there is no local
 * Lambda to host the function. `bench --deployed` runs the saga as any local run does, in
 * the harness's process under the testing SDK's runner, against the deployment's tables:
 * its outcomes and counts are the deployment's, its orchestration (and so its latency) is
 * simulated, as the binding and the variant's latency kind say.
 */
export async function lambdaDurableDeployedTarget(run: DeployedRun<{ functionName?: string }>): Promise<VariantTarget> {
  // The deployment's folder outlives this run: its trace file is this process's and is removed once read.
  return durableTarget(
    run.clients,
    { tables: run.tables },
    run.traceDir,
    "local durable runner over the deployment's tables (simulated orchestration)",
    true,
  );
}

async function durableTarget(
  clients: AwsClients,
  on: { prefix: string } | { tables: TableNames },
  dir: string,
  binding: string,
  removeTrace = false,
): Promise<VariantTarget> {
  fs.mkdirSync(dir, { recursive: true });
  const traceFile = path.join(dir, `durable-${process.pid}-${Date.now()}.jsonl`);
  const trace = new FileTraceSink(traceFile);
  if (clients.target.kind !== 'local') throw new Error('the local durable target runs on the local substrate');
  // The steps' clients take the client faults a run hands its variant's processes (the environment at start):
  // here the "process" is the in-process runner. Same meter: the calls are the variant's own.
  const stepClients = createAwsClients(clients.target, clients.meter, faultsFromEnv());
  const durable = await startLocalDurable(stepClients, on, trace);
  const pending = new PendingCompletions();
  const started = new Set<string>();
  const running: Promise<void>[] = [];
  const totals = { executions: 0, operations: 0, retries: 0, dataWrittenBytes: 0, checkpointed: 0 };
  const add = (u: ExecutionUsage) => {
    totals.executions++;
    totals.operations += u.operations;
    totals.retries += u.retries;
    totals.dataWrittenBytes += u.dataWrittenBytes;
    totals.checkpointed += u.checkpointed;
  };
  const start = async (input: Parameters<VariantTarget['submit']>[1]) => {
    const order = parseOrderDocument(input);
    // The execution name is the order id: a client retry of a started order is refused, as Invoke refuses it on AWS.
    if (started.has(order.orderId)) return;
    started.add(order.orderId);
    running.push(
      durable.run(order).then(
        ({ result, usage, endedAt }) => {
          add(usage);
          pending.resolve({ id: order.orderId, status: result.status, terminalAt: endedAt });
        },
        (err: Error) => pending.resolve({ id: order.orderId, status: `EXECUTION_${err.name}`, terminalAt: Date.now() }),
      ),
    );
  };
  return {
    name: 'lambda-durable',
    tables: durable.tables,
    submit: (_id, order) => start(order),
    submitDuplicate: start,
    awaitTerminal: (id) => pending.wait(id),
    // No process of its own: the runner is in the harness's process, so crash and pause faults have nothing to hit.
    group: await ProcessGroup.start([]),
    faultProcess: '',
    dlqs: [],
    workQueues: [],
    async stop() {
      await Promise.all(running);
      await durable.stop();
      stepClients.destroy();
      const own = readProcessReports(dir);
      if (removeTrace) fs.rmSync(traceFile, { force: true });
      return {
        metered: clients.meter.snapshot(),
        // Only this run's orders: a deployment's folder can hold another run's file until it is removed.
        traces: own.traces.filter((t) => started.has(t.orderId)),
        observationFailures: own.observationFailures,
        durable: { ...totals },
        channels: [],
        dlqs: [],
        binding,
        processes: 0,
      };
    },
  };
}
