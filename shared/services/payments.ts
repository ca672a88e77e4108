import { bankVerdict } from '../domain/simulation.ts';
import { mayRetry } from '../domain/retry.ts';
import { TransientError } from './errors.ts';
import type { PaymentRecord, PaymentsRepo } from './ports.ts';

export type ChargeOutcome = { status: 'CHARGED'; paymentId: string; amountCents: number } | { status: 'DECLINED'; reason: string };

/**
 * Charges once per order (the order id is the idempotency key). A transient bank
 * error throws TransientError while attempts remain; on the last attempt it is
 * recorded as a decline, so every coordinator gives up at the same point.
 */
export async function chargePayment(
  repo: PaymentsRepo,
  cmd: { orderId: string; amountCents: number; paymentToken: string; attempt: number },
): Promise<ChargeOutcome> {
  const existing = await repo.get(cmd.orderId);
  if (existing) return asChargeOutcome(existing);
  const verdict = bankVerdict(cmd.paymentToken, cmd.attempt);
  if (verdict === 'TRANSIENT' && mayRetry(cmd.attempt)) throw new TransientError('charge', cmd.attempt);
  const record: PaymentRecord =
    verdict === 'OK'
      ? { status: 'CHARGED', paymentId: `pay-${cmd.orderId}`, amountCents: cmd.amountCents }
      : { status: 'DECLINED', reason: verdict === 'TRANSIENT' ? 'bank unavailable, retries exhausted' : 'card declined' };
  return asChargeOutcome(await repo.recordOnce(cmd.orderId, record));
}

function asChargeOutcome(r: PaymentRecord): ChargeOutcome {
  switch (r.status) {
    case 'CHARGED':
      return { status: 'CHARGED', paymentId: r.paymentId, amountCents: r.amountCents };
    case 'REFUNDED':
      // Charged once and refunded since: a late duplicate must not charge again.
      return { status: 'DECLINED', reason: 'already refunded' };
    case 'DECLINED':
      return { status: 'DECLINED', reason: r.reason };
    case 'VOID':
      return { status: 'DECLINED', reason: 'order cancelled before the charge' };
  }
}

/** Compensation for charge: idempotent; refunds nothing when nothing was charged (and then blocks a late charge). */
export async function refundPayment(repo: PaymentsRepo, orderId: string): Promise<{ paymentId: string | null; amountCents: number }> {
  const after = await repo.refund(orderId);
  return after.status === 'REFUNDED' ? { paymentId: after.paymentId, amountCents: after.amountCents } : { paymentId: null, amountCents: 0 };
}
