// Workflow code runs in Temporal's deterministic sandbox: it may import only
// @temporalio/workflow and type-only modules.
import { proxyActivities } from '@temporalio/workflow';
import type { ProbeActivities } from './temporal-activities.ts';

const { reserve, charge } = proxyActivities<ProbeActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '100 milliseconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function probeSaga(orderId: string, chargeFailures: number): Promise<{ reserved: string; chargeAttempt: number }> {
  const reserved = await reserve(orderId);
  const chargeAttempt = await charge(orderId, chargeFailures);
  return { reserved, chargeAttempt };
}
