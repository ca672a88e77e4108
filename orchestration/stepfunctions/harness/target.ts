import fs from 'node:fs';
import path from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { watchEndedExecutions, type EndedExecution } from './ended-executions.ts';
import { watchDescribedExecutions } from './described-executions.ts';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { runDir } from '../../../shared/paths.ts';
import { startLocalStepFunctions } from '../local.ts';
import { countStateTransitions, countTaskAttempts, loggedBytes } from '../transitions.ts';
import { startWorkerProcesses } from '../../workers.ts';
import { parseOrderDocument } from '../../../shared/domain/contracts.ts';
import { tableReader } from '../../../shared/variant/snapshot.ts';
import { PendingCompletions } from '../../../shared/variant/pending.ts';
import { readProcessReports, type VariantTarget } from '../../../shared/variant/target.ts';
import { deploymentProcesses } from '../../../shared/variant/deployed.ts';
import { awsDeploymentProcesses } from '../../../shared/variant/aws-deployed.ts';
import type { AwsRun, DeployedRun } from '../../../shared/variant/variant.ts';
import { ProcessGroup } from '../../../shared/runtime/process-group.ts';
import type { OrderDocument } from '../../../shared/domain/contracts.ts';
import type { TableNames } from '../../../shared/topology/tables.ts';
import { mergeCounts } from '../../../shared/aws/metering.ts';
import { isTerminal, ORDER_STATUSES, type OrderStatus } from '../../../shared/domain/order.ts';

/**
 * Step Functions under load: the STANDARD saga with its callback worker in a
 * process of its own. An order is terminal when its execution stopped; the
 * engine's stopDate is the terminal time, and the order's status is read from
 * the orders table the saga writes.
 */
export async function stepFunctionsTarget(variantClients: AwsClients, harness: AwsClients, prefix: string): Promise<VariantTarget> {
  const sfn = await startLocalStepFunctions(variantClients, prefix, { inProcessWorker: false });
  const dir = path.join(runDir(), 'traces', prefix);
  fs.mkdirSync(dir, { recursive: true });
  if (variantClients.target.kind !== 'local') throw new Error('the local Step Functions target runs on the local substrate');
  const workers = await startWorkerProcesses({
    kind: 'stepfunctions',
    endpoints: variantClients.target.endpoints,
    tables: sfn.tables,
    queueUrl: sfn.queueUrl,
    meterFile: path.join(dir, 'worker-{pid}.meter.json'),
    traceFile: path.join(dir, 'worker-{pid}.jsonl'),
  });
  return drive(variantClients, harness, {
    ...sfn,
    group: workers.group,
    processes: workers.pids.length,
    stop: () => workers.stop(),
    report: () => readProcessReports(dir),
  });
}

/**
 * The Step Functions saga of a recorded local deployment (`bench --deployed`): the state machine
 * and callback queue it recorded, its worker running under the deployment's host. This run's
 * calls are the worker's meter growth over the run; the engine's counts come, as in any run,
 * from the executions' histories (the provider-side source on AWS too).
 */
export async function stepFunctionsDeployedTarget(
  run: DeployedRun<{ stateMachineArn: string; callbackQueueUrl?: string; callbackDlqUrl?: string }>,
): Promise<VariantTarget> {
  const r = run.resources;
  if (!r.callbackQueueUrl || !r.callbackDlqUrl) throw new Error('a local Step Functions deployment records its callback queue');
  const deployed = await deploymentProcesses(run.traceDir);
  return drive(run.clients, run.harness, {
    ...deployed,
    tables: run.tables,
    stateMachineArn: r.stateMachineArn,
    queueUrl: r.callbackQueueUrl,
    dlqUrl: r.callbackDlqUrl,
    async start(order) {
      deployed.placed.add(order.orderId);
      const out = await run.clients.sfn.send(
        new StartExecutionCommand({ stateMachineArn: r.stateMachineArn, name: order.orderId, input: JSON.stringify({ order }) }),
      );
      return out.executionArn!;
    },
  });
}

/**
 * The Step Functions saga deployed on AWS (`bench --target aws`): executions started on the
 * recorded state machine, whose tasks are the stack's Lambda functions. No push of ended
 * executions exists there: each execution this run started is described, paced, until it
 * stopped. Transitions and task attempts come from the executions' histories, as locally.
 */
export async function stepFunctionsAwsTarget(
  run: AwsRun<{ stateMachineArn: string; stateMachineType: 'STANDARD' | 'EXPRESS' }>,
): Promise<VariantTarget> {
  const r = run.resources;
  // Checked by the plan before anything is placed; here so that no caller can skip it.
  if (r.stateMachineType !== 'STANDARD')
    throw new Error('--target aws drives STANDARD state machines only (EXPRESS executions have no DescribeExecution or history)');
  const edge = await awsDeploymentProcesses();
  return drive(
    run.clients,
    run.harness,
    {
      ...edge,
      tables: run.tables,
      stateMachineArn: r.stateMachineArn,
      async start(order) {
        edge.placed.add(order.orderId);
        const out = await run.clients.sfn.send(
          new StartExecutionCommand({ stateMachineArn: r.stateMachineArn, name: order.orderId, input: JSON.stringify({ order }) }),
        );
        return out.executionArn!;
      },
    },
    "lambda (the stack's task functions)",
  );
}

interface Saga {
  tables: TableNames;
  stateMachineArn: string;
  /** The callback binding's task queue and its DLQ (locally); on AWS the tasks are Lambda functions. */
  queueUrl?: string;
  dlqUrl?: string;
  start(order: OrderDocument): Promise<string>;
  group: ProcessGroup;
  processes: number;
  stop(): Promise<void>;
  report(): ReturnType<typeof readProcessReports>;
}

async function drive(
  variantClients: AwsClients,
  harness: AwsClients,
  sfn: Saga,
  binding = 'sqs-callback (sqs:sendMessage.waitForTaskToken)',
): Promise<VariantTarget> {
  const read = tableReader(harness, sfn.tables);
  const pending = new PendingCompletions();
  const executions = new Map<string, string>();
  const durations = new Map<string, number>();
  const onEnded = async (e: EndedExecution) => {
    if (e.startDate) durations.set(e.name, e.stopDate.getTime() - e.startDate.getTime());
    const status =
      e.status === 'SUCCEEDED' ? (recordedStatusIn(e.output) ?? (await read.statusOf(e.name)) ?? 'UNKNOWN') : `EXECUTION_${e.status}`;
    // An execution that ended as no order outcome: its error and cause say why (one call, on that path only).
    const detail = e.status === 'SUCCEEDED' || !e.executionArn ? undefined : await failureOf(harness, e.executionArn);
    pending.resolve({ id: e.name, status, terminalAt: e.stopDate.getTime(), ...(detail ? { detail } : {}) });
  };
  const awaited = () => pending.pendingIds();
  // Locally the project's moto launcher pushes each end; on AWS each execution started is described.
  const watcher =
    variantClients.target.kind === 'local'
      ? watchEndedExecutions(harness.sfn, sfn.stateMachineArn, { pushEndpoint: variantClients.target.endpoints.sfn, awaited, onEnded })
      : watchDescribedExecutions(harness.sfn, { awaited, arnOf: (name) => executions.get(name), onEnded });

  const start = async (input: Parameters<VariantTarget['submit']>[1]) => {
    // The edge refuses a bad order before an execution exists.
    const order = parseOrderDocument(input);
    try {
      executions.set(order.orderId, await sfn.start(order));
    } catch (err) {
      // A client retry of an order already started: the execution name refuses it.
      if ((err as Error).name !== 'ExecutionAlreadyExists') throw err;
    }
  };
  return {
    name: 'stepfunctions',
    tables: sfn.tables,
    submit: (_id, order) => start(order),
    submitDuplicate: start,
    awaitTerminal: (id) => pending.wait(id),
    group: sfn.group,
    faultProcess: 'worker-1',
    dlqs: sfn.dlqUrl ? [sfn.dlqUrl] : [],
    workQueues: sfn.queueUrl ? [sfn.queueUrl] : [],
    async stop() {
      await watcher.stop();
      await sfn.stop();
      let transitions = 0;
      let taskAttempts = 0;
      let logBytes = 0;
      for (const arn of executions.values()) {
        const history = await fullHistory(harness, arn);
        transitions += countStateTransitions(history);
        taskAttempts += countTaskAttempts(history);
        logBytes += loggedBytes(history);
      }
      const own = sfn.report();
      return {
        metered: mergeCounts(own.metered, variantClients.meter.snapshot()),
        traces: own.traces,
        observationFailures: own.observationFailures,
        duplicatesSent: own.duplicatesSent,
        stepFunctions: {
          type: 'STANDARD',
          executions: executions.size,
          transitions,
          taskAttempts,
          logBytes,
          durationMsTotal: [...durations.values()].reduce((a, b) => a + b, 0),
        },
        channels: [sfn.stateMachineArn, ...(sfn.queueUrl ? [sfn.queueUrl] : [])],
        dlqs: sfn.dlqUrl ? [sfn.dlqUrl] : [],
        binding,
        processes: sfn.processes,
      };
    },
  };
}

/**
 * The status the saga's last recordStatus task wrote, from the execution's output
 * ($.r.recordStatus.status, what the orders table answered), when the launcher
 * pushed the output: one DynamoDB read per order fewer for the harness. Undefined
 * when there is no output or it holds no terminal status; the caller reads the table.
 */
export function recordedStatusIn(output: string | undefined): OrderStatus | undefined {
  if (!output) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return undefined;
  }
  const status = (parsed as { r?: { recordStatus?: { status?: unknown } } } | null)?.r?.recordStatus?.status;
  return (ORDER_STATUSES as readonly unknown[]).includes(status) && isTerminal(status as OrderStatus) ? (status as OrderStatus) : undefined;
}

async function fullHistory(clients: AwsClients, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** A stopped execution's error and cause, as DescribeExecution gives them; undefined when it cannot say. */
export async function failureOf(clients: AwsClients, executionArn: string): Promise<string | undefined> {
  try {
    const d = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return [d.error, d.cause].filter(Boolean).join(': ') || undefined;
  } catch (err) {
    return `its error could not be read (${(err as Error).message})`;
  }
}
