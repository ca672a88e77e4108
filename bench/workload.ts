import { mersenne } from 'pure-rand/generator/mersenne';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { PlaceOrder } from '../shared/domain/contracts.ts';
import type { OrderLine, OrderStatus } from '../shared/domain/order.ts';
import { address, paymentToken } from '../shared/domain/simulation.ts';
import { RETRY_POLICY } from '../shared/domain/retry.ts';

/** Percentages (0-100) of orders that meet each fault; the rest take the happy path. */
export interface FailureMix {
  outOfStockPct: number;
  declinePct: number;
  shippingFailurePct: number;
  /** Orders whose bank or carrier fails transiently (and recovers within the retry budget). */
  transientPct: number;
  /** Orders the client submits twice, as a retry would. */
  duplicatePct?: number;
}

export const DEFAULT_MIX: FailureMix = { outOfStockPct: 5, declinePct: 5, shippingFailurePct: 5, transientPct: 10 };

/** Always in stock (stocked far above any workload); DISCONTINUED is never in stock. */
export const CATALOG = [
  { sku: 'WIDGET', unitPriceCents: 1250 },
  { sku: 'GADGET', unitPriceCents: 4999 },
  { sku: 'GIZMO', unitPriceCents: 799 },
  { sku: 'DOOHICKEY', unitPriceCents: 15000 },
] as const;
export const DISCONTINUED = { sku: 'DISCONTINUED', unitPriceCents: 100 } as const;

export interface PlannedOrder {
  input: PlaceOrder & { orderId: string };
  expected: Extract<OrderStatus, 'COMPLETED' | 'REJECTED' | 'CANCELLED'>;
  duplicate: boolean;
}

/**
 * The same seed gives the same orders, ids and faults in every variant and run.
 * Outcomes depend only on the order itself (its SKUs, card and address), never on
 * which order was processed first, so they can be compared order by order.
 */
export function generateWorkload(opts: {
  seed: number;
  orders: number;
  mix?: FailureMix;
  runId?: string;
  payloadBytes?: number;
}): PlannedOrder[] {
  const mix = opts.mix ?? DEFAULT_MIX;
  const rng = mersenne(opts.seed);
  const pct = () => uniformInt(rng, 0, 9999) / 100;
  const out: PlannedOrder[] = [];
  for (let i = 0; i < opts.orders; i++) {
    const lineCount = uniformInt(rng, 1, 3);
    const start = uniformInt(rng, 0, CATALOG.length - 1);
    const lines: OrderLine[] = Array.from({ length: lineCount }, (_, k) => {
      const item = CATALOG[(start + k) % CATALOG.length]!;
      return { sku: item.sku, qty: uniformInt(rng, 1, 5), unitPriceCents: item.unitPriceCents };
    });
    const roll = pct();
    const transient = pct() < mix.transientPct ? uniformInt(rng, 1, RETRY_POLICY.maxAttempts - 1) : 0;
    let expected: PlannedOrder['expected'] = 'COMPLETED';
    let card = paymentToken('ok', transient);
    let addr = address('ok', uniformInt(rng, 0, 1) === 1 ? transient : 0);
    if (roll < mix.outOfStockPct) {
      lines.push({ sku: DISCONTINUED.sku, qty: 1, unitPriceCents: DISCONTINUED.unitPriceCents });
      expected = 'REJECTED';
    } else if (roll < mix.outOfStockPct + mix.declinePct) {
      card = paymentToken('declined');
      expected = 'CANCELLED';
    } else if (roll < mix.outOfStockPct + mix.declinePct + mix.shippingFailurePct) {
      addr = address('invalid');
      expected = 'CANCELLED';
    }
    // Drawn last, so adding duplicates left every earlier draw (and so every existing seed's orders) as it was.
    const duplicate = pct() < (mix.duplicatePct ?? 0);
    out.push({
      duplicate,
      input: {
        orderId: `ord-${opts.runId ?? opts.seed}-${String(i).padStart(5, '0')}`,
        customerId: `cust-${uniformInt(rng, 1, 50)}`,
        lines,
        paymentToken: card,
        shippingAddress: addr,
        ...(opts.payloadBytes ? { notes: 'x'.repeat(opts.payloadBytes) } : {}),
      },
      expected,
    });
  }
  return out;
}

/** Stock to seed so that only DISCONTINUED ever runs out. */
export function initialStock(orders: PlannedOrder[]): Record<string, number> {
  const stock: Record<string, number> = { [DISCONTINUED.sku]: 0 };
  for (const item of CATALOG) stock[item.sku] = 10 * orders.length * 5 + 1000;
  return stock;
}
