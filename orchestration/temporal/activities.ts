import { Context } from '@temporalio/activity';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { retryTransient } from '../../shared/aws/transient.ts';
import type { TableNames } from '../../shared/topology/tables.ts';
import type { TraceSink } from '../../shared/messaging/trace.ts';
import { createTasks, TASKS, type TaskCall, type TaskName, type TaskTable } from '../tasks.ts';

/** What the workflow passes; the attempt is Temporal's, as SQS's receive count is the choreography's. */
export type ActivityCall = Omit<TaskCall, 'attempt'>;

export type SagaActivities = { [K in TaskName]: (call: ActivityCall) => ReturnType<TaskTable[K]> };

/**
 * The saga's activities: the orchestrators' one task table, with Temporal's attempt number.
 * A throttle or 5xx that outlasts the SDK's attempts is retried inside the activity while
 * its start-to-close timeout allows: failing the attempt would spend one of the shared
 * retry policy's three attempts, and on the last one turn an infrastructure error into
 * the order's failure.
 */
export function createActivities(clients: AwsClients, tables: TableNames, trace?: TraceSink): SagaActivities {
  const tasks = createTasks(clients, tables, trace);
  const activities = {} as Record<TaskName, (call: ActivityCall) => Promise<unknown>>;
  for (const name of TASKS) {
    const run = tasks[name] as (c: TaskCall) => Promise<unknown>;
    activities[name] = (call) => {
      const info = Context.current().info;
      return retryTransient(
        () => run({ ...call, attempt: info.attempt }),
        Date.now() + info.startToCloseTimeoutMs - 5000,
        (err, n) =>
          console.error(`temporal worker: ${call.order.orderId} ${name} attempt ${info.attempt}: ${err.name}: ${err.message}, retry ${n}`),
      );
    };
  }
  return activities as SagaActivities;
}
