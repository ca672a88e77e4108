import type { PlannedOrder } from './workload.ts';
import type { InventoryRepo, PaymentsRepo, ShipmentsRepo, ThirdPartyAttempt } from '../shared/services/ports.ts';
import { isTerminal, TERMINAL_STATUSES, type OrderStatus } from '../shared/domain/order.ts';
import type { UnitRecord } from './load/loop.ts';

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
    inventory: Pick<InventoryRepo, 'reservation' | 'stockOf'>;
    payments: Pick<PaymentsRepo, 'get'>;
    shipments: Pick<ShipmentsRepo, 'get'>;
    statusOf: (orderId: string) => Promise<OrderStatus | undefined>;
  },
  extra: {
    /** Orders nobody waited for to the end (a second Ctrl-C): in no known state, so their charge and stock count on both sides. */
    abandoned?: PlannedOrder[];
    /** Every order id the service tables hold (see recordedOrderIds): each must be one the workload placed. */
    recordedIds?: string[];
    /** Ids the harness submitted, accepted or not (a refused or cut-off submit may still have written). */
    placed?: Iterable<string>;
    /** Every call the bank and the carrier booked (see readLedger): their side of the story, not the services'. */
    ledger?: ThirdPartyAttempt[];
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
    bank: [] as string[],
    carrier: [] as string[],
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

  if (extra.ledger) {
    const known = new Set(abandoned.map((p) => p.input.orderId));
    const parties = thirdPartyBooks(extra.ledger);
    for (const { input } of plan) {
      const id = input.orderId;
      const books = parties.get(id);
      const total = input.lines.reduce((s, l) => s + l.qty * l.unitPriceCents, 0);
      const completed = outcomes[id] === 'COMPLETED';
      const charges = books?.charges ?? new Map<string, number>();
      const refunds = books?.refunds ?? new Map<string, number>();
      const shipments = books?.shipments ?? new Set<string>();
      if (charges.size > 1) problems.bank.push(`${id}: charged ${charges.size} times (keys ${[...charges.keys()].join(', ')})`);
      else if (completed && (charges.size !== 1 || [...charges.values()][0] !== total))
        problems.bank.push(`${id}: completed, but the bank charged ${JSON.stringify([...charges.values()])}, planned ${total}`);
      if (completed && refunds.size > 0) problems.bank.push(`${id}: completed, but the bank refunded it`);
      if (!completed && sum(charges) !== sum(refunds))
        problems.bank.push(`${id}: ${outcomes[id]}, but the bank charged ${sum(charges)} and refunded ${sum(refunds)}`);
      if (shipments.size > 1) problems.carrier.push(`${id}: shipped ${shipments.size} times`);
      else if (completed && shipments.size !== 1) problems.carrier.push(`${id}: completed, but the carrier shipped nothing`);
      else if (!completed && shipments.size > 0) problems.carrier.push(`${id}: ${outcomes[id]}, but the carrier shipped it`);
    }
    // An abandoned order's state is unknown, so only a double is a breach there.
    for (const id of known) {
      const books = parties.get(id);
      if ((books?.charges.size ?? 0) > 1) problems.bank.push(`${id} (abandoned): charged ${books!.charges.size} times`);
      if ((books?.shipments.size ?? 0) > 1) problems.carrier.push(`${id} (abandoned): shipped ${books!.shipments.size} times`);
    }
  }

  const check = (name: string, list: string[]) => ({ name, ok: list.length === 0, detail: list.slice(0, 5).join('; ') || 'ok' });
  const checks = [
    check('every order terminal', problems.notTerminal),
    check('outcome as planned', problems.wrongOutcome),
    check('money conserved (charged = completed totals, no charge left on a failed order)', problems.money),
    check('shipped exactly the completed orders', problems.shipping),
    check('stock conserved (taken = shipped)', problems.stock),
    ...(extra.recordedIds ? [check('nothing recorded for an order nobody placed', problems.strangers)] : []),
    ...(extra.ledger
      ? [
          check("bank's ledger: one charge per completed order, none kept on any other", problems.bank),
          check("carrier's ledger: one shipment per completed order, none for any other", problems.carrier),
        ]
      : []),
  ];
  return { ok: checks.every((c) => c.ok), checks, outcomes };
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);

/**
 * What each order cost the third parties, as they booked it: the bank honours its
 * idempotency key (attempts under one key are one charge), so only distinct keys
 * that the bank accepted count as charges, shipments likewise.
 */
function thirdPartyBooks(ledger: ThirdPartyAttempt[]) {
  const byOrder = new Map<string, { charges: Map<string, number>; refunds: Map<string, number>; shipments: Set<string> }>();
  for (const a of ledger) {
    let b = byOrder.get(a.orderId);
    if (!b) byOrder.set(a.orderId, (b = { charges: new Map(), refunds: new Map(), shipments: new Set() }));
    if (a.kind === 'charge' && a.verdict === 'OK') b.charges.set(a.idempotencyKey, a.amountCents);
    else if (a.kind === 'refund') b.refunds.set(a.idempotencyKey, a.amountCents);
    else if (a.kind === 'ship' && a.verdict === 'OK') b.shipments.add(a.idempotencyKey);
  }
  return byOrder;
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

/**
 * The harness's side of "nothing accepted is ever lost": every order it submitted ended in an order
 * outcome it read. Not so: an order lost past the deadline, a submit that failed, and an end that is
 * no outcome (an execution that failed, timed out or was stopped; a saga that returned no status),
 * whatever the tables say of the order afterwards: its latency and outcome were not observed.
 * Abandoned orders (a second Ctrl-C) are nobody's wait and are counted in the tables' checks instead.
 */
export function endsNotRead(records: readonly UnitRecord[]): { name: string; ok: boolean; detail: string } {
  const unread = records.filter((r) => r.status !== 'ABANDONED' && !(TERMINAL_STATUSES as readonly string[]).includes(r.status));
  return {
    name: 'every accepted order ended in an outcome the harness read (none lost, none failed)',
    ok: unread.length === 0,
    detail:
      unread
        .slice(0, 5)
        .map((r) => `${r.id}: ${r.status}${r.error ? ` (${r.error})` : ''}`)
        .join('; ') + (unread.length > 5 ? `; and ${unread.length - 5} more` : '') || 'ok',
  };
}
