import { Context } from '@temporalio/activity';
import type { AwsClients } from '../../shared/aws/clients.ts';
import type { TableNames } from '../../shared/topology/tables.ts';
import type { TraceSink } from '../../shared/messaging/trace.ts';
import { createTasks, TASKS, type TaskCall, type TaskName, type TaskTable } from '../tasks.ts';

/** What the workflow passes; the attempt is Temporal's, as SQS's receive count is the choreography's. */
export type ActivityCall = Omit<TaskCall, 'attempt'>;

export type SagaActivities = { [K in TaskName]: (call: ActivityCall) => ReturnType<TaskTable[K]> };

/** The saga's activities: the orchestrators' one task table, with Temporal's attempt number. */
export function createActivities(clients: AwsClients, tables: TableNames, trace?: TraceSink): SagaActivities {
  const tasks = createTasks(clients, tables, trace);
  const activities = {} as Record<TaskName, (call: ActivityCall) => Promise<unknown>>;
  for (const name of TASKS) {
    const run = tasks[name] as (c: TaskCall) => Promise<unknown>;
    activities[name] = (call) => run({ ...call, attempt: Context.current().info.attempt });
  }
  return activities as SagaActivities;
}
