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
  /** Orders nobody waited for to the end (a second Ctrl-C): in no known state, so their charge and stock count on both sides. */
  abandoned: PlannedOrder[] = [],
): Promise<InvariantReport> {
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
    } else {
      if (pay?.status === 'CHARGED') problems.money.push(`${id}: ${status} but still charged`);
      if (ship?.status === 'CREATED') problems.shipping.push(`${id}: ${status} but shipped`);
      if (res?.status === 'RESERVED' || res?.status === 'COMMITTED') problems.stock.push(`${id}: ${status} but reservation ${res.status}`);
    }
    if (pay?.status === 'CHARGED') charged += pay.amountCents;
    if (res?.status === 'COMMITTED') for (const l of res.lines) committed[l.sku] = (committed[l.sku] ?? 0) + l.qty;
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

  const check = (name: string, list: string[]) => ({ name, ok: list.length === 0, detail: list.slice(0, 5).join('; ') || 'ok' });
  const checks = [
    check('every order terminal', problems.notTerminal),
    check('outcome as planned', problems.wrongOutcome),
    check('money conserved (charged = completed totals, no charge left on a failed order)', problems.money),
    check('shipped exactly the completed orders', problems.shipping),
    check('stock conserved (taken = shipped)', problems.stock),
  ];
  return { ok: checks.every((c) => c.ok), checks, outcomes };
}
