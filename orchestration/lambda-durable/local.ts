import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { parseOrderDocument, type OrderDocument } from '../../shared/domain/contracts.ts';
import { provisionTables } from '../../shared/engines/provision.ts';
import type { TraceSink } from '../../shared/messaging/trace.ts';
import type { TableNames } from '../../shared/topology/tables.ts';
import { createTasks } from '../tasks.ts';
import { durableSaga, type SagaResult, type StepRun } from './saga.ts';

/** What one execution cost in AWS's billing units, as counted while it ran. */
export interface ExecutionUsage {
  /** Durable operations as AWS bills them: one per step attempt (a retry is another). */
  operations: number;
  /** Step attempts that came after a delay: each suspends the function and invokes it again on AWS. */
  retries: number;
  /** What the execution checkpointed: its input and every step's result. */
  dataWrittenBytes: number;
  /** Operations the local checkpoint server recorded for the execution (a cross-check of `operations`). */
  checkpointed: number;
}

export interface LocalDurable {
  tables: TableNames;
  /** Runs one order's saga to its end; the edge refuses a bad order before anything runs. */
  run(order: OrderDocument): Promise<{ result: SagaResult; usage: ExecutionUsage; endedAt: number }>;
  stop(): Promise<void>;
}

let environment: Promise<void> | undefined;
let users = 0;
/**
 * The testing SDK's checkpoint server (a worker thread), shared by everything in the
 * process that runs durable executions, and torn down when the last of them releases
 * it: a thread left running would keep the process from exiting. Real time (no
 * skipTime): that option installs fake timers process-wide, which the harness's own
 * clocks cannot share.
 */
export async function acquireDurableEnvironment(): Promise<() => Promise<void>> {
  users++;
  await (environment ??= LocalDurableTestRunner.setupTestEnvironment({ skipTime: false }));
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (--users > 0) return;
    const closing = environment;
    environment = undefined;
    await closing;
    await LocalDurableTestRunner.teardownTestEnvironment();
  };
}

/**
 * The durable saga locally: the handler runs in this process under the testing SDK's
 * LocalDurableTestRunner, whose checkpoint server stands in for Lambda's durable
 * execution service. Every step calls the real services against the local engines;
 * the orchestration between steps (checkpoints, suspension, re-invocation) is simulated
 * in the process that runs it (the local function host, host-main.ts, under load), so its
 * latency is not Lambda's.
 */
export async function startLocalDurable(
  clients: AwsClients,
  on: { prefix: string } | { tables: TableNames },
  trace?: TraceSink,
): Promise<LocalDurable> {
  // A deployment's tables exist already (`bench --deployed`); a fresh run creates its own.
  const tables = 'tables' in on ? on.tables : await provisionTables(clients, on.prefix);
  const release = await acquireDurableEnvironment();
  const tasks = createTasks(clients, tables, trace);
  const steps = new Map<string, StepRun[]>();
  const handler = durableSaga(tasks, (s) => {
    const list = steps.get(s.orderId) ?? [];
    list.push(s);
    steps.set(s.orderId, list);
  });
  return {
    tables,
    async run(input) {
      const order = parseOrderDocument(input);
      const runner = new LocalDurableTestRunner<SagaResult>({ handlerFunction: handler });
      const execution = await runner.run({ payload: order });
      const endedAt = Date.now();
      const ran = steps.get(order.orderId) ?? [];
      steps.delete(order.orderId);
      const usage: ExecutionUsage = {
        operations: ran.length,
        retries: ran.filter((s) => s.attempt > 1).length,
        dataWrittenBytes: Buffer.byteLength(JSON.stringify(order)) + ran.reduce((n, s) => n + s.resultBytes, 0),
        checkpointed: execution.getOperations().length,
      };
      if (execution.getStatus() !== 'SUCCEEDED') throw new Error(`durable execution of ${order.orderId} ended ${execution.getStatus()}`);
      return { result: execution.getResult() as SagaResult, usage, endedAt };
    },
    stop: release,
  };
}
