import fs from 'node:fs';
import path from 'node:path';
import { runDir } from '../../../shared/paths.ts';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { mergeCounts } from '../../../shared/aws/metering.ts';
import { provisionTables } from '../../../shared/engines/provision.ts';
import type { DeployedRun, LocalRun } from '../../../shared/variant/variant.ts';
import { readProcessReports, type VariantTarget } from '../../../shared/variant/target.ts';
import type { TableNames } from '../../../shared/topology/tables.ts';
import { HOST_PROCESS, startDurableHost } from '../host.ts';
import { durableDrive } from './drive.ts';

/**
 * The durable saga under load: each accepted order runs as one durable execution in the
 * local function host, a process of its own (the testing SDK's local runner; there is no
 * local Lambda). The services' calls are real and metered there; the terminal time is
 * when the execution returned, after its last checkpoint.
 */
export async function lambdaDurableTarget(run: LocalRun): Promise<VariantTarget> {
  const dir = path.join(runDir(), 'traces', run.prefix);
  // Created here, on the variant's clients as before, so the provisioning calls count where they did.
  const tables = await provisionTables(run.clients, run.prefix);
  return durableTarget(run.clients, tables, dir, 'local durable runner (simulated orchestration)');
}

/**
 * A local deployment of the durable saga is its service tables only: there is no local
 * Lambda to host the function. `bench --deployed` runs the saga as any local run does, in
 * the local function host under the testing SDK's runner, against the deployment's tables:
 * its outcomes and counts are the deployment's, its orchestration (and so its latency) is
 * simulated, as the binding and the variant's latency kind say.
 */
export async function lambdaDurableDeployedTarget(run: DeployedRun<{ functionName?: string }>): Promise<VariantTarget> {
  return durableTarget(
    run.clients,
    run.tables,
    run.traceDir,
    "local durable runner over the deployment's tables (simulated orchestration)",
  );
}

async function durableTarget(clients: AwsClients, tables: TableNames, parent: string, binding: string): Promise<VariantTarget> {
  if (clients.target.kind !== 'local') throw new Error('the local durable target runs on the local substrate');
  // The host's meter and trace files, in a folder of their own: a deployment's folder outlives this run.
  const dir = path.join(parent, `durable-host-${process.pid}-${Date.now()}`);
  fs.mkdirSync(dir, { recursive: true });
  // The host takes the client faults a run hands its variant's processes (the environment at start).
  const host = await startDurableHost({ mode: 'saga', endpoints: clients.target.endpoints, tables, dir });
  const running: Promise<void>[] = [];
  // The local runner has no execution names: a start of an order already started is refused here, as Invoke's
  // DurableExecutionName refuses it on AWS (it returns the existing execution).
  const drive = durableDrive(async (order, again) => {
    if (again) return;
    running.push(
      host.run(order.orderId, order).then(
        ({ status, terminalAt, detail, usage }) => {
          if (usage) drive.counted(usage);
          drive.ended(order.orderId, status, terminalAt, detail);
        },
        (err: Error) => drive.ended(order.orderId, `EXECUTION_${err.name}`, Date.now(), err.message),
      ),
    );
  });
  return {
    name: 'lambda-durable',
    tables,
    submit: drive.submit,
    submitDuplicate: drive.submitDuplicate,
    awaitTerminal: drive.awaitTerminal,
    group: host.group,
    faultProcess: HOST_PROCESS,
    dlqs: [],
    workQueues: [],
    async stop() {
      await Promise.all(running);
      await host.stop();
      const own = readProcessReports(dir);
      fs.rmSync(dir, { recursive: true, force: true });
      return {
        metered: mergeCounts(own.metered, clients.meter.snapshot()),
        traces: own.traces,
        observationFailures: own.observationFailures,
        duplicatesSent: own.duplicatesSent,
        durable: drive.totals(),
        channels: [],
        dlqs: [],
        binding,
        processes: 1,
      };
    },
  };
}
