/** Money is integer cents everywhere: no float ever touches a price or a total. */
export type Cents = number;

export interface OrderLine {
  sku: string;
  qty: number;
  unitPriceCents: Cents;
}

export const ORDER_STATUSES = [
  'PENDING',
  'INVENTORY_RESERVED',
  'PAYMENT_CHARGED',
  'SHIPPED',
  'COMPLETED',
  'REJECTED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL_STATUSES: readonly OrderStatus[] = ['COMPLETED', 'REJECTED', 'CANCELLED'];
export const isTerminal = (s: OrderStatus): boolean => TERMINAL_STATUSES.includes(s);

export interface Order {
  orderId: string;
  customerId: string;
  lines: OrderLine[];
  totalCents: Cents;
  /** A simulated card: the bank's behaviour for this order is decided by it, deterministically. */
  paymentToken: string;
  /** A simulated address: the carrier's behaviour for this order is decided by it. */
  shippingAddress: string;
  status: OrderStatus;
}

export function orderTotal(lines: readonly OrderLine[]): Cents {
  return lines.reduce((sum, l) => sum + l.qty * l.unitPriceCents, 0);
}
