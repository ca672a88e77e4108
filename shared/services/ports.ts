import type { OrderLine, OrderStatus } from '../domain/order.ts';
import type { Verdict } from '../domain/simulation.ts';

/**
 * What each service needs from its store. Every write is conditional and
 * idempotent: applying the same command twice returns the first outcome and
 * changes nothing, which is what lets every coordinator deliver at least once.
 */
export type ReserveOutcome = { status: 'RESERVED'; reservationId: string } | { status: 'OUT_OF_STOCK'; missingSkus: string[] };

export interface InventoryRepo {
  seedStock(stock: Record<string, number>): Promise<void>;
  stockOf(sku: string): Promise<number>;
  reserve(orderId: string, lines: readonly OrderLine[]): Promise<ReserveOutcome>;
  /** Puts reserved stock back; false when there was nothing reserved (never, or already released/committed). */
  release(orderId: string): Promise<boolean>;
  /** Marks a reservation as shipped; false when it was not RESERVED. */
  commit(orderId: string): Promise<boolean>;
  reservation(orderId: string): Promise<{ status: 'RESERVED' | 'RELEASED' | 'COMMITTED' | 'REJECTED'; lines: OrderLine[] } | undefined>;
}

export type PaymentRecord =
  | { status: 'CHARGED' | 'REFUNDED'; paymentId: string; amountCents: number }
  | { status: 'DECLINED'; reason: string }
  /** A refund that arrived before any charge: it blocks a later charge. */
  | { status: 'VOID' };

export interface PaymentsRepo {
  /** Records the first outcome for the order; returns whatever is recorded (a duplicate never charges twice). */
  recordOnce(orderId: string, record: PaymentRecord): Promise<PaymentRecord>;
  /** CHARGED -> REFUNDED, or nothing -> VOID; returns the record after the call. */
  refund(orderId: string): Promise<PaymentRecord>;
  get(orderId: string): Promise<PaymentRecord | undefined>;
}

export type ShipmentRecord =
  | { status: 'CREATED'; shipmentId: string }
  | { status: 'FAILED'; reason: 'ADDRESS_INVALID' | 'CARRIER_UNAVAILABLE' }
  /** The customer cancelled before shipping: no shipment may be created after this. */
  | { status: 'BLOCKED' };

export interface ShipmentsRepo {
  recordOnce(orderId: string, record: ShipmentRecord): Promise<ShipmentRecord>;
  get(orderId: string): Promise<ShipmentRecord | undefined>;
}

/**
 * One call the saga made to a third party (the simulated bank or carrier), as that
 * party books it. A real bank honours the idempotency key: attempts under one key
 * are one charge, so a double charge is two keys charged for one order.
 */
export type ThirdPartyAttempt =
  | {
      party: 'bank';
      kind: 'charge';
      orderId: string;
      idempotencyKey: string;
      attempt: number;
      amountCents: number;
      verdict: Verdict;
      at: string;
    }
  | { party: 'bank'; kind: 'refund'; orderId: string; idempotencyKey: string; amountCents: number; at: string }
  | {
      party: 'carrier';
      kind: 'ship';
      orderId: string;
      idempotencyKey: string;
      attempt: number;
      lines: { sku: string; qty: number }[];
      verdict: Verdict;
      at: string;
    };

/** The bank as the payments service sees it: every call is booked on the bank's side before it answers. */
export interface Bank {
  charge(c: { orderId: string; idempotencyKey: string; amountCents: number; paymentToken: string; attempt: number }): Promise<Verdict>;
  refund(c: { orderId: string; idempotencyKey: string; amountCents: number }): Promise<void>;
}

/** The carrier as the shipping service sees it. */
export interface Carrier {
  ship(c: { orderId: string; idempotencyKey: string; address: string; lines: readonly OrderLine[]; attempt: number }): Promise<Verdict>;
}

export interface NotificationsRepo {
  /** True the first time, false for a duplicate. */
  recordOnce(orderId: string, template: string, notificationId: string): Promise<{ first: boolean; notificationId: string }>;
  get(orderId: string, template: string): Promise<{ notificationId: string } | undefined>;
}

/**
 * The orders table as the orchestrators keep it: one status item per order, so
 * every variant's orders table compares one to one with the choreography's
 * projection, plus the customer's cancel flag that Step Functions reads at its
 * shipping gate.
 */
export interface OrdersStatusRepo {
  /**
   * Sets status and failure, keeping the item's other attributes (the cancel
   * flag above all), unless the order already reached a different terminal
   * status. Returns the status the order has after the call.
   */
  record(orderId: string, status: OrderStatus, failure: string | null): Promise<OrderStatus>;
  status(orderId: string): Promise<OrderStatus | undefined>;
  requestCancel(orderId: string): Promise<void>;
  cancelRequested(orderId: string): Promise<boolean>;
}
