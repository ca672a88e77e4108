// Runs in Temporal's deterministic sandbox: only @temporalio/workflow, the pure
// retry policy and type-only imports may appear here.
import { defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import { DEFAULT_REDELIVERY_SECONDS, INFRASTRUCTURE_RETRIES, RETRY_POLICY } from '../../shared/domain/retry.ts';
import type { OrderDocument } from '../../shared/domain/contracts.ts';
import type { OrderStatus } from '../../shared/domain/order.ts';
import type { SagaActivities } from './activities.ts';

export const cancelSignal = defineSignal<[string]>('cancel');
export const statusQuery = defineQuery<{ status: OrderStatus; cancelRequested: boolean; failure?: string }>('status');

/**
 * What the starter tells the saga besides the order. `activityTimeoutSeconds`: each activity attempt's
 * start-to-close timeout, after which a crashed or frozen worker's activity is retried elsewhere. It is
 * the redelivery setting (shared/topology/redelivery.ts), which the starter reads: a workflow cannot
 * read the environment. Absent: that setting's default.
 */
export interface SagaOptions {
  activityTimeoutSeconds?: number;
}

/** The same bounded backoff as the Step Functions Retry blocks and the choreography's redelivery. */
const activities = (timeoutSeconds: number) =>
  proxyActivities<SagaActivities>({
    startToCloseTimeout: `${timeoutSeconds} seconds`,
    retry: {
      initialInterval: `${RETRY_POLICY.initialIntervalSeconds} seconds`,
      backoffCoefficient: RETRY_POLICY.backoffRate,
      maximumInterval: `${RETRY_POLICY.maxIntervalSeconds} seconds`,
      // Temporal counts a timed-out attempt (a frozen worker) like any other: without the
      // infrastructure retries, one on the last business attempt cancelled a healthy order.
      maximumAttempts: RETRY_POLICY.maxAttempts + INFRASTRUCTURE_RETRIES,
      nonRetryableErrorTypes: ['ContractError'],
    },
  });

export interface SagaResult {
  orderId: string;
  status: 'COMPLETED' | 'REJECTED' | 'CANCELLED';
  failure?: string;
}

/**
 * The order saga as a workflow. Each compensation is pushed BEFORE its step runs
 * (a step that succeeded but whose acknowledgement was lost must still be
 * undone; the compensations are idempotent and no-ops when nothing happened),
 * and the stack unwinds newest first.
 */
export async function orderSaga(order: OrderDocument, options: SagaOptions = {}): Promise<SagaResult> {
  const acts = activities(options.activityTimeoutSeconds ?? DEFAULT_REDELIVERY_SECONDS);
  const orderId = order.orderId;
  let status: OrderStatus = 'PENDING';
  let cancelRequested = false;
  let failure: string | undefined;
  setHandler(cancelSignal, () => {
    cancelRequested = true;
  });
  setHandler(statusQuery, () => ({ status, cancelRequested, ...(failure ? { failure } : {}) }));

  const compensations: (() => Promise<unknown>)[] = [];
  const finish = async (end: SagaResult['status'], why?: string): Promise<SagaResult> => {
    failure = why;
    if (end === 'CANCELLED') {
      const undo = compensations.splice(0).reverse();
      for (const step of undo) await step();
    }
    status = end;
    await acts.recordStatus({ order, status: end, failure: why ?? null });
    return { orderId, status: end, ...(why ? { failure: why } : {}) };
  };

  await acts.recordStatus({ order, status: 'PENDING', failure: null });
  try {
    return await forward();
  } catch (err) {
    // A step that failed for good (not a business "no"): undo what may have happened, as
    // the Step Functions Catch does. A step whose effect landed but whose answer was lost
    // is undone too, because its compensation was registered before it ran.
    return finish('CANCELLED', `step failed: ${(err as Error).message}`);
  }

  async function forward(): Promise<SagaResult> {
    compensations.push(() => acts.release({ order }));
    const reserved = await acts.reserve({ order });
    if (reserved.status === 'OUT_OF_STOCK') {
      compensations.pop();
      return finish('REJECTED', `out of stock: ${reserved.missingSkus.join(', ')}`);
    }
    status = 'INVENTORY_RESERVED';

    compensations.push(() => acts.refund({ order }));
    const charged = await acts.charge({ order });
    if (charged.status === 'DECLINED') return finish('CANCELLED', `payment declined: ${charged.reason}`);
    status = 'PAYMENT_CHARGED';

    // The customer's cancel counts up to the shipping gate, as in the other variants.
    if (cancelRequested) {
      await acts.block({ order });
      return finish('CANCELLED', 'shipment failed: CANCELLED_BY_CUSTOMER');
    }
    const shipped = await acts.ship({ order });
    if (shipped.status === 'FAILED') return finish('CANCELLED', `shipment failed: ${shipped.reason}`);
    status = 'SHIPPED';
    await acts.commit({ order });
    await acts.notify({ order });
    return finish('COMPLETED');
  }
}
