import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { AwsClients } from '../../aws/clients.ts';
import type { OperationCount } from '../../aws/metering.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import { uniqueName } from './names.ts';

export const CALLBACK_RESOURCE = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const LOCAL_ROLE = 'arn:aws:iam::123456789012:role/sagabench-local';

/** A one-task saga: callback task with Retry on a transient error and Catch into a compensation. */
export function probeDefinition(queueUrl: string) {
  return {
    Comment: 'sagabench substrate probe: callback task, retry, catch, compensation',
    StartAt: 'Charge',
    States: {
      Charge: {
        Type: 'Task',
        Resource: CALLBACK_RESOURCE,
        Parameters: {
          QueueUrl: queueUrl,
          MessageBody: { 'taskToken.$': '$$.Task.Token', 'executionName.$': '$$.Execution.Name', 'input.$': '$' },
        },
        ResultPath: '$.charge',
        Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Compensate' }],
        Next: 'Done',
      },
      Compensate: { Type: 'Pass', Result: 'refunded', ResultPath: '$.compensation', Next: 'Cancelled' },
      Cancelled: { Type: 'Fail', Error: 'OrderCancelled', Cause: 'compensated after a failed charge' },
      Done: { Type: 'Succeed' },
    },
  };
}

export interface ExecutionOutcome {
  status: string;
  output?: unknown;
  error?: string;
  eventTypes: string[];
  /** States entered, in order, from the execution history. */
  statesEntered: string[];
  /** Every TaskFailed event's error and cause, in order. */
  taskFailures: { error?: string; cause?: string }[];
}

export interface StepFunctionsResult {
  happy: ExecutionOutcome;
  transient: ExecutionOutcome;
  permanent: ExecutionOutcome;
  workerPid: number;
  workerMeter: OperationCount[];
  /** Task messages the worker handled, and those whose token was already settled (duplicates). */
  tasksHandled: number;
  staleTokens: number;
}

export async function waitForExecution(clients: AwsClients, executionArn: string, timeoutMs = 30_000): Promise<ExecutionOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING' && d.status !== 'PENDING_REDRIVE') {
      const h = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      const events: HistoryEvent[] = h.events ?? [];
      return {
        status: d.status ?? 'UNKNOWN',
        output: d.output ? (JSON.parse(d.output) as unknown) : undefined,
        ...(d.error ? { error: d.error } : {}),
        eventTypes: events.map((e) => e.type ?? ''),
        statesEntered: events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name ?? ''),
        taskFailures: events
          .filter((e) => e.type === 'TaskFailed')
          .map((e) => ({ error: e.taskFailedEventDetails?.error, cause: e.taskFailedEventDetails?.cause })),
      };
    }
    if (Date.now() > deadline) throw new Error(`execution ${executionArn} still ${d.status} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

interface WorkerReport {
  meter: OperationCount[];
  staleTokens: number;
  tasksHandled: number;
}

/** Starts the worker in its own process and resolves once it is polling. */
async function startWorker(queueUrl: string, clients: AwsClients) {
  if (clients.target.kind !== 'local') throw new Error('the probe worker runs against the local substrate only');
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sfn-task-worker.ts');
  const child = spawn(process.execPath, [script, queueUrl, JSON.stringify(clients.target.endpoints)], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const messages: Record<string, unknown>[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => {
      const m = JSON.parse(l) as Record<string, unknown>;
      messages.push(m);
      if (m.ready) resolve();
    });
    child.once('exit', (code) => reject(new Error(`probe worker exited early (${code})`)));
  });
  await ready;
  const stop = async (): Promise<WorkerReport> => {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin!.end();
    await exited;
    const last = messages.find((m) => m.meter) as WorkerReport | undefined;
    return last ?? { meter: [], staleTokens: 0, tasksHandled: 0 };
  };
  return { pid: child.pid!, stop };
}

/**
 * A STANDARD state machine whose task is completed by a worker in another
 * process via SendTaskSuccess/SendTaskFailure: the local task binding of the
 * Step Functions variant (moto implements neither activities nor Lambda without Docker).
 */
export async function probeStepFunctions(clients: AwsClients): Promise<StepFunctionsResult> {
  const queueUrl = (await clients.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('probe-sfn-tasks') }))).QueueUrl!;
  const { stateMachineArn } = await clients.sfn.send(
    new CreateStateMachineCommand({
      name: uniqueName('probe-saga'),
      type: 'STANDARD',
      roleArn: LOCAL_ROLE,
      definition: JSON.stringify(probeDefinition(queueUrl)),
    }),
  );
  const worker = await startWorker(queueUrl, clients);
  try {
    const run = async (input: object) => {
      const { executionArn } = await clients.sfn.send(
        new StartExecutionCommand({ stateMachineArn, name: uniqueName('exec'), input: JSON.stringify(input) }),
      );
      return waitForExecution(clients, executionArn!);
    };
    const [happy, transient, permanent] = await Promise.all([run({ failTimes: 0 }), run({ failTimes: 1 }), run({ permanent: true })]);
    const report = await worker.stop();
    return {
      happy,
      transient,
      permanent,
      workerPid: worker.pid,
      workerMeter: report.meter,
      tasksHandled: report.tasksHandled,
      staleTokens: report.staleTokens,
    };
  } catch (err) {
    await worker.stop();
    throw err;
  }
}
