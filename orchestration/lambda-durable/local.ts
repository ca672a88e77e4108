import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { parseOrderDocument, type OrderDocument } from '../../shared/domain/contracts.ts';
import { provisionTables } from '../../shared/engines/provision.ts';
import type { TraceSink } from '../../shared/messaging/trace.ts';
import type { TableNames } from '../../shared/topology/tables.ts';
import { createTasks } from '../tasks.ts';
import { durableSaga, type SagaResult } from './saga.ts';
import { describedByHistory, endOf, usageOfHistory, type ExecutionUsage } from './history.ts';

export interface LocalDurable {
  tables: TableNames;
  /**
   * Runs one order's saga to its end; the edge refuses a bad order before anything runs. Its end and
   * usage come from the execution's history, as the AWS drive takes them from Lambda's (history.ts).
   */
  run(order: OrderDocument): Promise<{ end: NonNullable<ReturnType<typeof endOf>>; usage: ExecutionUsage }>;
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
  const handler = durableSaga(tasks);
  return {
    tables,
    async run(input) {
      const order = parseOrderDocument(input);
      const runner = new LocalDurableTestRunner<SagaResult>({ handlerFunction: handler });
      const events = (await runner.run({ payload: order })).getHistoryEvents();
      const end = endOf(describedByHistory(events));
      if (!end) throw new Error(`the durable execution of ${order.orderId} returned with no end in its history`);
      return { end, usage: usageOfHistory(events) };
    },
    stop: release,
  };
}
