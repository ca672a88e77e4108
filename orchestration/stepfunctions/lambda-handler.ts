import { createAwsClients } from '../../shared/aws/clients.ts';
import { orderDocumentSchema, parseWith } from '../../shared/domain/contracts.ts';
import type { TableNames } from '../../shared/topology/tables.ts';
import { createTaskRunner, TASKS, type TaskName } from '../tasks.ts';

/** The Lambda binding's payload: what `buildSagaDefinition` puts in each Task's Parameters. */
export interface LambdaTaskEvent {
  task: TaskName;
  order: unknown;
  retryCount?: number;
  status?: string;
  failure?: string;
}

/**
 * The Step Functions task as a Lambda handler (AWS binding): the same task runner
 * as the local callback worker. A TransientError is rethrown as is, so its
 * errorType `TransientError` matches the state's Retry, as the callback worker's
 * SendTaskFailure does locally.
 */
export function makeLambdaTaskHandler(runTask: ReturnType<typeof createTaskRunner>) {
  return async (event: LambdaTaskEvent): Promise<unknown> => {
    if (!TASKS.includes(event.task)) throw new Error(`unknown task ${String(event.task)}`);
    const order = parseWith(orderDocumentSchema, 'task order', event.order);
    return runTask({
      task: event.task,
      order,
      attempt: (event.retryCount ?? 0) + 1,
      ...(event.status ? { status: event.status as never } : {}),
      ...(event.failure ? { failure: event.failure } : {}),
    });
  };
}

/** Built once per container from the function's environment (table names set by the CDK stack). */
export const handler = (() => {
  let built: ReturnType<typeof makeLambdaTaskHandler> | undefined;
  return async (event: LambdaTaskEvent) => {
    built ??= makeLambdaTaskHandler(
      createTaskRunner(createAwsClients({ kind: 'aws' }), JSON.parse(process.env.SAGABENCH_TABLES ?? '{}') as TableNames),
    );
    return built(event);
  };
})();
