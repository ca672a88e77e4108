import { createAwsClients } from '../../shared/aws/clients.ts';
import { retryTransient } from '../../shared/aws/transient.ts';
import { FUNCTION_DEFAULTS } from '../../shared/topology/functions.ts';
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
 * SendTaskFailure does locally. A throttle or 5xx that outlasts the SDK's attempts
 * is retried while the invocation has time, then thrown as `InfrastructureError`,
 * which the state retries without compensating.
 */
export function makeLambdaTaskHandler(runTask: ReturnType<typeof createTaskRunner>) {
  return async (event: LambdaTaskEvent, context?: { getRemainingTimeInMillis(): number }): Promise<unknown> => {
    if (!TASKS.includes(event.task)) throw new Error(`unknown task ${String(event.task)}`);
    const order = parseWith(orderDocumentSchema, 'task order', event.order);
    const remainingMs = context?.getRemainingTimeInMillis() ?? FUNCTION_DEFAULTS.timeoutSeconds * 1000;
    return retryTransient(
      () =>
        runTask({
          task: event.task,
          order,
          attempt: (event.retryCount ?? 0) + 1,
          ...(event.status ? { status: event.status as never } : {}),
          ...(event.failure ? { failure: event.failure } : {}),
        }),
      Date.now() + remainingMs - 5000,
      (err, n) => console.error(`${order.orderId} ${event.task}: ${err.name}: ${err.message}, retry ${n}`),
    );
  };
}

/** Built once per container from the function's environment (table names set by the CDK stack). */
export const handler = (() => {
  let built: ReturnType<typeof makeLambdaTaskHandler> | undefined;
  return async (event: LambdaTaskEvent, context?: { getRemainingTimeInMillis(): number }) => {
    built ??= makeLambdaTaskHandler(
      createTaskRunner(createAwsClients({ kind: 'aws' }), JSON.parse(process.env.SAGABENCH_TABLES ?? '{}') as TableNames),
    );
    return built(event, context);
  };
})();
