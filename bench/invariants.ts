import type { PlannedOrder } from './workload.ts';
import type { InventoryRepo, PaymentsRepo, ShipmentsRepo } from '../shared/services/ports.ts';
import { isTerminal, type OrderStatus } from '../shared/domain/order.ts';

export interface InvariantReport {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
  outcomes: Record<string, OrderStatus | 'MISSING'>;
}

/**
 * The guarantees every variant must keep, read from the services' own tables:
 * every order terminal, stock and money conserved, nothing charged or shipped
 * that should not be, each outcome the one its plan implies.
 */
export async function checkInvariants(
  plan: PlannedOrder[],
  stockBefore: Record<string, number>,
  repos: {
    inventory: InventoryRepo;
    payments: PaymentsRepo;
    shipments: ShipmentsRepo;
    statusOf: (orderId: string) => Promise<OrderStatus | undefined>;
  },
  extra: {
    /** Orders nobody waited for to the end (a second Ctrl-C): in no known state, so their charge and stock count on both sides. */
    abandoned?: PlannedOrder[];
    /** Every order id the service tables hold (see recordedOrderIds): each must be one the workload placed. */
    recordedIds?: string[];
    /** Ids the harness submitted, accepted or not (a refused or cut-off submit may still have written). */
    placed?: Iterable<string>;
  } = {},
): Promise<InvariantReport> {
  const abandoned = extra.abandoned ?? [];
  const outcomes: Record<string, OrderStatus | 'MISSING'> = {};
  const committed: Record<string, number> = {};
  let charged = 0;
  let completedTotal = 0;
  const problems = {
    notTerminal: [] as string[],
    wrongOutcome: [] as string[],
    money: [] as string[],
    shipping: [] as string[],
    stock: [] as string[],
    strangers: [] as string[],
  };

  for (const { input, expected } of plan) {
    const id = input.orderId;
    const status = (await repos.statusOf(id)) ?? 'MISSING';
    outcomes[id] = status;
    if (status === 'MISSING' || !isTerminal(status)) problems.notTerminal.push(`${id}:${status}`);
    if (status !== expected) problems.wrongOutcome.push(`${id}: ${status}, planned ${expected}`);
    const total = input.lines.reduce((s, l) => s + l.qty * l.unitPriceCents, 0);
    const pay = await repos.payments.get(id);
    const ship = await repos.shipments.get(id);
    const res = await repos.inventory.reservation(id);
    if (status === 'COMPLETED') {
      completedTotal += total;
      if (pay?.status !== 'CHARGED' || pay.amountCents !== total)
        problems.money.push(`${id}: completed but payment ${JSON.stringify(pay)}`);
      if (ship?.status !== 'CREATED') problems.shipping.push(`${id}: completed but shipment ${JSON.stringify(ship)}`);
      if (res?.status !== 'COMMITTED') problems.stock.push(`${id}: completed but reservation ${res?.status}`);
      // Against the plan, not the reservation's own record: a service that reserved the wrong lines must not pass.
      else if (lineKey(res.lines) !== lineKey(input.lines))
        problems.stock.push(`${id}: reserved ${lineKey(res.lines)}, planned ${lineKey(input.lines)}`);
    } else {
      if (pay?.status === 'CHARGED') problems.money.push(`${id}: ${status} but still charged`);
      if (ship?.status === 'CREATED') problems.shipping.push(`${id}: ${status} but shipped`);
      if (res?.status === 'RESERVED' || res?.status === 'COMMITTED') problems.stock.push(`${id}: ${status} but reservation ${res.status}`);
    }
    if (pay?.status === 'CHARGED') charged += pay.amountCents;
    // Stock a completed order may take is what was planned for it; anything else taken shows as a leak below.
    if (status === 'COMPLETED') for (const l of input.lines) committed[l.sku] = (committed[l.sku] ?? 0) + l.qty;
  }
  for (const { input } of abandoned) {
    const pay = await repos.payments.get(input.orderId);
    const res = await repos.inventory.reservation(input.orderId);
    if (pay?.status === 'CHARGED') {
      charged += pay.amountCents;
      completedTotal += pay.amountCents;
    }
    if (res?.status === 'COMMITTED') for (const l of res.lines) committed[l.sku] = (committed[l.sku] ?? 0) + l.qty;
    // Held, not yet taken: the stock is out of the count until the reservation ends.
    if (res?.status === 'RESERVED') for (const l of res.lines) committed[l.sku] = (committed[l.sku] ?? 0) + l.qty;
  }
  for (const [sku, before] of Object.entries(stockBefore)) {
    const after = await repos.inventory.stockOf(sku);
    if (before - after !== (committed[sku] ?? 0)) problems.stock.push(`${sku}: ${before} -> ${after}, but ${committed[sku] ?? 0} shipped`);
  }
  if (charged !== completedTotal) problems.money.push(`charged ${charged} != completed orders' total ${completedTotal}`);

  if (extra.recordedIds) {
    const known = new Set([...plan, ...abandoned].map((p) => p.input.orderId));
    for (const id of extra.placed ?? []) known.add(id);
    for (const id of new Set(extra.recordedIds)) if (!known.has(id)) problems.strangers.push(id);
  }

  const check = (name: string, list: string[]) => ({ name, ok: list.length === 0, detail: list.slice(0, 5).join('; ') || 'ok' });
  const checks = [
    check('every order terminal', problems.notTerminal),
    check('outcome as planned', problems.wrongOutcome),
    check('money conserved (charged = completed totals, no charge left on a failed order)', problems.money),
    check('shipped exactly the completed orders', problems.shipping),
    check('stock conserved (taken = shipped)', problems.stock),
    ...(extra.recordedIds ? [check('nothing recorded for an order nobody placed', problems.strangers)] : []),
  ];
  return { ok: checks.every((c) => c.ok), checks, outcomes };
}

const lineKey = (lines: readonly { sku: string; qty: number }[]): string =>
  lines
    .map((l) => `${l.sku}x${l.qty}`)
    .sort()
    .join(',');

/** In a run with no fault injected nothing should reach a dead-letter queue: a message there is an order's step given up. */
export function noDeadLetters(dlq: { queue: string; messages: number }[]): { name: string; ok: boolean; detail: string } {
  const full = dlq.filter((d) => d.messages > 0);
  return {
    name: 'no message dead-lettered (fault-free run)',
    ok: full.length === 0,
    detail: full.map((d) => `${d.queue}: ${d.messages}`).join('; ') || 'ok',
  };
}
