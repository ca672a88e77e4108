import fs from 'node:fs';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { runDir } from '../../../shared/paths.ts';
import { provisionLocalTemporal } from '../local.ts';
import type { AwsRun, DeployedRun, LocalRun } from '../../../shared/variant/variant.ts';
import { awsDeploymentProcesses } from '../../../shared/variant/aws-deployed.ts';
import { connectClient, resolveTemporalTarget, type TemporalTarget } from '../../../shared/temporal/connection.ts';
import { countHistoriesInChild, type HistoryCounts } from './history-counts.ts';
import { awaitClosed } from './closed.ts';
import { startWorkerProcesses } from '../../workers.ts';
import type { SagaOptions, SagaResult } from '../workflow.ts';
import { REDELIVERY_SECONDS } from '../../../shared/topology/redelivery.ts';
import { PendingCompletions } from '../../../shared/variant/pending.ts';
import { parseOrderDocument } from '../../../shared/domain/contracts.ts';
import { readProcessReports, type VariantTarget } from '../../../shared/variant/target.ts';
import { deploymentProcesses } from '../../../shared/variant/deployed.ts';
import { ProcessGroup } from '../../../shared/runtime/process-group.ts';
import type { TableNames } from '../../../shared/topology/tables.ts';
import { mergeCounts } from '../../../shared/aws/metering.ts';

/** Long enough for a server busy with a run's last orders; a dead one fails it at once or at the deadline. */
const HEALTH_CHECK_MS = 5000;

/**
 * Temporal under load: the saga worker in a process of its own, workflows
 * started by the harness (as an API would). An order's terminal time is the
 * workflow's close time on the server; billable actions are counted from each
 * workflow's history afterwards.
 */
export async function temporalTarget(run: LocalRun): Promise<VariantTarget> {
  const { clients: variantClients, temporal: target, prefix } = run;
  const { tables, taskQueue } = await provisionLocalTemporal(variantClients, prefix);
  if (variantClients.target.kind !== 'local') throw new Error('the local Temporal target runs on the local substrate');
  const dir = path.join(runDir(), 'traces', prefix);
  fs.mkdirSync(dir, { recursive: true });
  const workers = await startWorkerProcesses({
    kind: 'temporal',
    endpoints: variantClients.target.endpoints,
    tables,
    temporal: { address: target.address, namespace: target.namespace },
    taskQueue,
    meterFile: path.join(dir, 'worker-{pid}.meter.json'),
    traceFile: path.join(dir, 'worker-{pid}.jsonl'),
  });
  const connected = await connectClient(target).catch(async (err) => {
    await workers.stop();
    throw err;
  });
  return drive(run.clients, connected, {
    target,
    tables,
    taskQueue,
    group: workers.group,
    processes: workers.pids.length,
    stop: () => workers.stop(),
    report: () => readProcessReports(dir),
  });
}

/**
 * The Temporal saga of a recorded local deployment (`bench --deployed`): its task queue on the
 * recorded server, served by the worker under the deployment's host. This run's calls are the
 * worker's meter growth over the run; actions come, as in any run, from the workflows' histories.
 */
export async function temporalDeployedTarget(
  run: DeployedRun<{ taskQueue: string; address?: string; namespace?: string }>,
): Promise<VariantTarget> {
  const r = run.resources;
  if (!r.address || !r.namespace) throw new Error('a local Temporal deployment records its server address and namespace');
  const target = resolveTemporalTarget({ address: r.address, namespace: r.namespace });
  const connected = await connectClient(target);
  return drive(run.clients, connected, {
    ...(await deploymentProcesses(run.traceDir)),
    target,
    tables: run.tables,
    taskQueue: r.taskQueue,
  });
}

/**
 * The Temporal saga deployed on AWS (`bench --target aws`): workflows started on the recorded
 * task queue in the namespace Temporal's own environment configuration names (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY or the TOML profile, as the temporal CLI reads them),
 * the one the stack's worker on ECS Fargate polls. Actions come from the workflows' histories.
 */
export async function temporalAwsTarget(run: AwsRun<{ taskQueue: string }>): Promise<VariantTarget> {
  const target = resolveTemporalTarget();
  const connected = await connectClient(target);
  return drive(
    run.clients,
    connected,
    { ...(await awsDeploymentProcesses()), target, tables: run.tables, taskQueue: run.resources.taskQueue },
    "temporal activities (the stack's worker on ECS Fargate)",
  );
}

interface Saga {
  target: TemporalTarget;
  tables: TableNames;
  taskQueue: string;
  group: ProcessGroup;
  processes: number;
  placed?: Set<string>;
  stop(): Promise<void>;
  report(): ReturnType<typeof readProcessReports>;
}

async function drive(
  variantClients: AwsClients,
  { client, connection }: Awaited<ReturnType<typeof connectClient>>,
  saga: Saga,
  binding = 'temporal activities',
): Promise<VariantTarget> {
  const { tables, taskQueue } = saga;
  const pending = new PendingCompletions();
  const started = new Set<string>();
  // Cancelled before the connection closes: a long poll still open then (an abandoned order's) would
  // otherwise fail UNAVAILABLE, and the client's retry timer would then call into the closed channel
  // and throw ("Channel has been shut down") after the run had stopped. A cancelled call is not retried.
  const polls = new AbortController();
  const watch = (id: string) => {
    connection
      .withAbortSignal(polls.signal, () => awaitClosed(client, id))
      .then((c) =>
        pending.resolve({
          id,
          status: c.outcome === 'COMPLETED' ? (c.result as SagaResult).status : c.outcome,
          terminalAt: c.closeTime,
          ...(c.detail ? { detail: c.detail } : {}),
        }),
      )
      .catch((err: Error) => pending.resolve({ id, status: `WORKFLOW_${err.name}`, terminalAt: Date.now(), detail: err.message }));
  };
  const start = async (input: Parameters<VariantTarget['submit']>[1]) => {
    // The edge refuses a bad order before a workflow exists.
    const order = parseOrderDocument(input);
    try {
      // An order id names one saga for good: a retry after it closed must not run it again.
      await client.workflow.start('orderSaga', {
        taskQueue,
        workflowId: order.orderId,
        args: [order, { activityTimeoutSeconds: REDELIVERY_SECONDS } satisfies SagaOptions],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      started.add(order.orderId);
      saga.placed?.add(order.orderId);
      watch(order.orderId);
    } catch (err) {
      // A client retry of an order already started: the workflow id refuses it.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };
  return {
    name: 'temporal',
    tables,
    submit: (_id, order) => start(order),
    submitDuplicate: start,
    awaitTerminal: (id) => pending.wait(id),
    group: saga.group,
    faultProcess: 'worker-1',
    dlqs: [],
    workQueues: [],
    async stop() {
      await saga.stop();
      let counts: HistoryCounts;
      // Closed after the count, not before: an abandoned order's close watcher can still be retrying
      // on this connection, and a retry on a closed channel throws from a timer (exit 1, not 130).
      try {
        // A server that died (what stops a run early) cannot give the histories, and the count would
        // retry until the run's stop bound: one short health check says so at once instead.
        await connection
          .withDeadline(Date.now() + HEALTH_CHECK_MS, () => connection.healthService.check({}))
          .catch((err: Error) => {
            throw new Error(`the Temporal server does not answer, so its workflows' histories cannot be counted (${err.message})`);
          });
        counts = await countHistoriesInChild(saga.target, started);
      } finally {
        polls.abort();
        await connection.close();
      }
      const own = saga.report();
      return {
        metered: mergeCounts(own.metered, variantClients.meter.snapshot()),
        traces: own.traces,
        observationFailures: own.observationFailures,
        duplicatesSent: own.duplicatesSent,
        temporal: { ...counts, workflows: started.size },
        channels: [taskQueue],
        // A failed activity stays in its workflow's history; there is no dead-letter queue to list.
        dlqs: [],
        binding,
        processes: saga.processes,
      };
    },
  };
}
