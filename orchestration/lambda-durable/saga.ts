import { withDurableExecution, type DurableContext, type RetryDecision } from '@aws/durable-execution-sdk-js';
import type { OrderDocument } from '../../shared/domain/contracts.ts';
import { backoffSeconds, INFRASTRUCTURE_RETRIES, RETRY_POLICY } from '../../shared/domain/retry.ts';
import { retryTransient } from '../../shared/aws/transient.ts';
import type { TaskCall, TaskName, TaskTable } from '../tasks.ts';

/** How long one step attempt may retry infrastructure errors in place (the Temporal activities' start-to-close less their margin). */
const STEP_BUDGET_MS = 25_000;

export interface SagaResult {
  orderId: string;
  status: 'COMPLETED' | 'REJECTED' | 'CANCELLED';
  failure?: string;
}

/** A step's attempt as it ran: what the durable-operation count and the data written are taken from. */
export interface StepRun {
  orderId: string;
  task: TaskName;
  attempt: number;
  /** Bytes of the result the step checkpointed (0 for a failed attempt). */
  resultBytes: number;
}

/** Errors the shared policy retries: a transient bank or carrier answer, or infrastructure that outlasted the SDK's own attempts. */
const RETRYABLE = new Set(['TransientError', 'InfrastructureError']);

/**
 * The shared retry policy as a durable step's strategy: the same backoff as the other
 * variants, the business attempts plus the infrastructure ones (the services decline on
 * the last business attempt themselves, so the extra ones never change an outcome).
 */
export function sharedRetry(error: Error, attemptCount: number): RetryDecision {
  if (!RETRYABLE.has(error.name) || attemptCount >= RETRY_POLICY.maxAttempts + INFRASTRUCTURE_RETRIES) return { shouldRetry: false };
  return { shouldRetry: true, delay: { seconds: backoffSeconds(attemptCount + 1) } };
}

/**
 * The order saga as one durable handler: each forward step and compensation a
 * `context.step` running the orchestrators' shared task table. As in the Temporal
 * workflow, each compensation is pushed BEFORE its step runs (a step whose effect
 * landed but whose checkpoint was lost is still undone; compensations are
 * idempotent), and the stack unwinds newest first. The customer's cancel is read
 * at the shipping gate from the orders table, as the Step Functions saga reads it.
 */
export function orderSaga(tasks: TaskTable, onStep: (run: StepRun) => void = () => {}) {
  return async (order: OrderDocument, context: DurableContext): Promise<SagaResult> => {
    const orderId = order.orderId;
    type Out<K extends TaskName> = Awaited<ReturnType<TaskTable[K]>>;
    const step = async <K extends TaskName>(task: K, extra: Partial<TaskCall> = {}): Promise<Out<K>> => {
      const run = tasks[task] as (c: TaskCall) => Promise<Out<K>>;
      return (await context.step(
        task,
        async (s): Promise<Out<K>> => {
          try {
            // A throttle or 5xx that outlasts the SDK's attempts is retried here, as the Temporal activities do,
            // rather than spending one of the shared policy's business attempts.
            const result = await retryTransient(() => run({ order, attempt: s.attempt, ...extra }), Date.now() + STEP_BUDGET_MS);
            onStep({ orderId, task, attempt: s.attempt, resultBytes: Buffer.byteLength(JSON.stringify(result ?? null)) });
            return result;
          } catch (err) {
            onStep({ orderId, task, attempt: s.attempt, resultBytes: 0 });
            throw err;
          }
        },
        { retryStrategy: sharedRetry },
      )) as Out<K>;
    };

    const compensations: TaskName[] = [];
    const finish = async (end: SagaResult['status'], why?: string): Promise<SagaResult> => {
      if (end === 'CANCELLED') for (const undo of compensations.splice(0).reverse()) await step(undo);
      await step('recordStatus', { status: end, failure: why ?? null });
      return { orderId, status: end, ...(why ? { failure: why } : {}) };
    };

    await step('recordStatus', { status: 'PENDING', failure: null });
    try {
      compensations.push('release');
      const reserved = await step('reserve');
      if (reserved.status === 'OUT_OF_STOCK') {
        compensations.pop();
        return await finish('REJECTED', `out of stock: ${reserved.missingSkus.join(', ')}`);
      }

      compensations.push('refund');
      const charged = await step('charge');
      if (charged.status === 'DECLINED') return await finish('CANCELLED', `payment declined: ${charged.reason}`);

      // The customer's cancel counts up to the shipping gate, as in the other variants.
      if ((await step('cancelGate')).cancelRequested) {
        await step('block');
        return await finish('CANCELLED', 'shipment failed: CANCELLED_BY_CUSTOMER');
      }
      const shipped = await step('ship');
      if (shipped.status === 'FAILED') return await finish('CANCELLED', `shipment failed: ${shipped.reason}`);
      await step('commit');
      await step('notify');
      return await finish('COMPLETED');
    } catch (err) {
      // A step that failed for good (not a business "no"): undo what may have happened.
      return finish('CANCELLED', `step failed: ${(err as Error).message}`);
    }
  };
}

/** The durable Lambda handler over a task table. */
export const durableSaga = (tasks: TaskTable, onStep?: (run: StepRun) => void) => withDurableExecution(orderSaga(tasks, onStep));
