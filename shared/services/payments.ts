import { mayRetry } from '../domain/retry.ts';
import { TransientError } from './errors.ts';
import type { Bank, PaymentRecord, PaymentsRepo } from './ports.ts';

export type ChargeOutcome = { status: 'CHARGED'; paymentId: string; amountCents: number } | { status: 'DECLINED'; reason: string };

/** The key the bank dedupes on: one per order, so a retry or a duplicate after a crash is the same charge. */
export const chargeKey = (orderId: string) => `charge-${orderId}`;

/**
 * Charges once per order (the order id is the idempotency key). A transient bank
 * error throws TransientError while attempts remain; on the last attempt it is
 * recorded as a decline, so every coordinator gives up at the same point.
 */
export async function chargePayment(
  repo: PaymentsRepo,
  bank: Bank,
  cmd: { orderId: string; amountCents: number; paymentToken: string; attempt: number },
): Promise<ChargeOutcome> {
  const existing = await repo.get(cmd.orderId);
  if (existing) return asChargeOutcome(existing);
  const verdict = await bank.charge({ ...cmd, idempotencyKey: chargeKey(cmd.orderId) });
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

/**
 * Compensation for charge: idempotent; refunds nothing when nothing was charged (and then blocks a late charge).
 * The bank is told after the record flips, and again on every retry (same key), so a crash between the two loses nothing.
 */
export async function refundPayment(
  repo: PaymentsRepo,
  bank: Bank,
  orderId: string,
): Promise<{ paymentId: string | null; amountCents: number }> {
  const after = await repo.refund(orderId);
  if (after.status !== 'REFUNDED') return { paymentId: null, amountCents: 0 };
  await bank.refund({ orderId, idempotencyKey: `refund-${orderId}`, amountCents: after.amountCents });
  return { paymentId: after.paymentId, amountCents: after.amountCents };
}
