import { z } from 'zod';
import { isValidAddress, isValidPaymentToken } from './simulation.ts';

/**
 * Versioned message contracts. Every command and event is an envelope of metadata
 * plus a small payload: ids and the few facts a consumer needs ("meta over data").
 * The order document travels as an attachment: inline when small, otherwise as a
 * claim check (a key into the claim-check store), see CLAIM_CHECK_THRESHOLD_BYTES.
 */
export const CONTRACT_VERSION = 1 as const;

/** Above this serialized size the order document goes to the claim-check store. */
export const CLAIM_CHECK_THRESHOLD_BYTES = 8 * 1024;

export const LIMITS = {
  maxLines: 100,
  maxQty: 1000,
  /** $100,000 per unit: far below 2^53 even at max lines and quantity. */
  maxUnitPriceCents: 10_000_000,
  maxIdLength: 64,
} as const;

const id = z
  .string()
  .min(1)
  .max(LIMITS.maxIdLength)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
const sku = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Z0-9-]+$/, 'upper-case letters, digits and dashes only');
const cents = z.number().int('must be whole cents').nonnegative();

export const orderLineSchema = z
  .object({
    sku,
    qty: z.number().int('must be a whole number').positive('must be at least 1').max(LIMITS.maxQty),
    unitPriceCents: cents.max(LIMITS.maxUnitPriceCents),
  })
  .strict();

export const orderDocumentSchema = z
  .object({
    orderId: id,
    customerId: id,
    lines: z.array(orderLineSchema).min(1, 'an order needs at least one line').max(LIMITS.maxLines),
    totalCents: cents,
    paymentToken: z.string().refine(isValidPaymentToken, 'expected card:<ok|declined>:<n>'),
    shippingAddress: z.string().refine(isValidAddress, 'expected addr:<ok|invalid>:<n>'),
    /** Free-form payload bytes the workload uses to vary message size. */
    notes: z.string().max(350_000).optional(),
  })
  .strict()
  .refine((o) => o.totalCents === o.lines.reduce((s, l) => s + l.qty * l.unitPriceCents, 0), {
    message: 'totalCents must equal the sum of qty x unitPriceCents',
    path: ['totalCents'],
  })
  .refine((o) => new Set(o.lines.map((l) => l.sku)).size === o.lines.length, {
    message: 'each SKU may appear on one line only',
    path: ['lines'],
  });
export type OrderDocument = z.infer<typeof orderDocumentSchema>;

export const attachmentSchema = z.union([
  z.object({ inline: orderDocumentSchema }).strict(),
  z.object({ claimCheck: z.object({ key: id, bytes: z.number().int().positive() }).strict() }).strict(),
]);
export type OrderAttachment = z.infer<typeof attachmentSchema>;

export const SERVICES = ['orders', 'inventory', 'payments', 'shipping', 'notifications'] as const;
export type ServiceName = (typeof SERVICES)[number];

const metadata = {
  messageId: z.uuid(),
  version: z.literal(CONTRACT_VERSION),
  orderId: id,
  correlationId: z.string().min(1).max(128),
  causationId: z.string().min(1).max(128),
  occurredAt: z.iso.datetime(),
  producer: z.enum([...SERVICES, 'orchestrator', 'client']),
  order: attachmentSchema.optional(),
};

function message<T extends string, P extends z.ZodRawShape>(type: T, payload: P) {
  return z.object({ ...metadata, type: z.literal(type), payload: z.object(payload).strict() }).strict();
}

const failureReason = z.string().min(1).max(200);

export const eventSchemas = {
  OrderPlaced: message('OrderPlaced', { totalCents: cents, lineCount: z.number().int().positive() }),
  OrderCancelRequested: message('OrderCancelRequested', { reason: failureReason }),
  InventoryReserved: message('InventoryReserved', { reservationId: id }),
  InventoryRejected: message('InventoryRejected', { missingSkus: z.array(sku).min(1) }),
  InventoryReleased: message('InventoryReleased', { released: z.boolean() }),
  InventoryCommitted: message('InventoryCommitted', { reservationId: id }),
  PaymentCharged: message('PaymentCharged', { paymentId: id, amountCents: cents }),
  PaymentDeclined: message('PaymentDeclined', { reason: failureReason }),
  PaymentRefunded: message('PaymentRefunded', { paymentId: id.nullable(), amountCents: cents }),
  ShipmentCreated: message('ShipmentCreated', { shipmentId: id }),
  ShipmentFailed: message('ShipmentFailed', {
    reason: z.enum(['ADDRESS_INVALID', 'CARRIER_UNAVAILABLE', 'CANCELLED_BY_CUSTOMER']),
  }),
  CustomerNotified: message('CustomerNotified', { notificationId: id, template: z.string().min(1).max(64) }),
  OrderCompleted: message('OrderCompleted', {}),
  OrderRejected: message('OrderRejected', { reason: failureReason }),
  OrderCancelled: message('OrderCancelled', { reason: failureReason }),
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];
export type DomainEvent = { [K in EventType]: z.infer<(typeof eventSchemas)[K]> }[EventType];
export type EventOf<K extends EventType> = z.infer<(typeof eventSchemas)[K]>;
export const TERMINAL_EVENTS = ['OrderCompleted', 'OrderRejected', 'OrderCancelled'] as const satisfies readonly EventType[];

export const eventSchema = z.discriminatedUnion(
  'type',
  Object.values(eventSchemas) as unknown as [(typeof eventSchemas)[EventType], ...(typeof eventSchemas)[EventType][]],
);

export const placeOrderSchema = z
  .object({
    orderId: id.optional(),
    customerId: id,
    lines: z.array(orderLineSchema).min(1, 'an order needs at least one line').max(LIMITS.maxLines),
    paymentToken: z.string().refine(isValidPaymentToken, 'expected card:<ok|declined>:<n>'),
    shippingAddress: z.string().refine(isValidAddress, 'expected addr:<ok|invalid>:<n>'),
    notes: z.string().max(350_000).optional(),
  })
  .strict()
  .refine((o) => new Set(o.lines.map((l) => l.sku)).size === o.lines.length, {
    message: 'each SKU may appear on one line only',
    path: ['lines'],
  });
export type PlaceOrder = z.infer<typeof placeOrderSchema>;

/**
 * Commands: the same envelope as events, addressed to one service. The
 * orchestrators send them (as Step Functions task messages or Temporal activity
 * input); the choreography's only commands are the customer's PlaceOrder and
 * CancelOrder. `attempt` is the coordinator's attempt number (1-based), which the
 * simulated bank and carrier use to decide transient failures deterministically.
 */
const attempt = z.number().int().positive().max(100);

export const commandSchemas = {
  PlaceOrder: message('PlaceOrder', { order: z.lazy(() => placeOrderSchema) }),
  CancelOrder: message('CancelOrder', { reason: failureReason }),
  ReserveInventory: message('ReserveInventory', {}),
  ReleaseInventory: message('ReleaseInventory', {}),
  CommitInventory: message('CommitInventory', {}),
  ChargePayment: message('ChargePayment', { attempt }),
  RefundPayment: message('RefundPayment', {}),
  CreateShipment: message('CreateShipment', { attempt }),
  BlockShipment: message('BlockShipment', {}),
  NotifyCustomer: message('NotifyCustomer', { template: z.string().min(1).max(64) }),
} as const;

export type CommandType = keyof typeof commandSchemas;
export const COMMAND_TYPES = Object.keys(commandSchemas) as CommandType[];
export type DomainCommand = { [K in CommandType]: z.infer<(typeof commandSchemas)[K]> }[CommandType];
export type CommandOf<K extends CommandType> = z.infer<(typeof commandSchemas)[K]>;

export const commandSchema = z.discriminatedUnion(
  'type',
  Object.values(commandSchemas) as unknown as [(typeof commandSchemas)[CommandType], ...(typeof commandSchemas)[CommandType][]],
);

/** A message that failed validation: the text names every offending field. */
export class ContractError extends Error {
  readonly what: string;
  readonly issues: string[];
  constructor(what: string, issues: string[]) {
    super(`invalid ${what}: ${issues.join('; ')}`);
    this.what = what;
    this.issues = issues;
    this.name = 'ContractError';
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

export function parseWith<T>(schema: z.ZodType<T>, what: string, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new ContractError(what, describeIssues(r.error));
  return r.data;
}

/** Parses raw text (a queue message body) or a value: bad JSON and bad shape both become ContractError. */
function parseMessage<T>(schema: z.ZodType<T>, what: string, raw: string | unknown): T {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new ContractError(what, [`not JSON (${(err as Error).message})`]);
    }
  }
  return parseWith(schema, what, value);
}

export const parseEvent = (raw: string | unknown): DomainEvent => parseMessage(eventSchema, 'event', raw) as DomainEvent;

export const parsePlaceOrder = (input: unknown): PlaceOrder => parseWith(placeOrderSchema, 'PlaceOrder', input);

export const parseCommand = (raw: string | unknown): DomainCommand => parseMessage(commandSchema, 'command', raw) as DomainCommand;

/** The edge's check of an order document: a bad order is refused before anything is written. */
export const parseOrderDocument = (input: unknown): OrderDocument => parseWith(orderDocumentSchema, 'order', input);
