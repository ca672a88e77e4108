import type { DomainEvent, EventType, ServiceName } from './contracts.ts';
import { isTerminal, type OrderStatus } from './order.ts';

/**
 * The saga, as data. The forward steps and their compensations, in order; the
 * orchestrators walk this list, and the choreography's subscriptions are derived
 * from REACTIONS below, so both follow one definition.
 */
export const SAGA_STEPS = [
  { step: 'reserve', service: 'inventory', compensation: 'release' },
  { step: 'charge', service: 'payments', compensation: 'refund' },
  { step: 'ship', service: 'shipping', compensation: null },
  { step: 'commit', service: 'inventory', compensation: null },
  { step: 'notify', service: 'notifications', compensation: null },
] as const satisfies readonly { step: string; service: ServiceName; compensation: string | null }[];

export type StepName = (typeof SAGA_STEPS)[number]['step'] | 'release' | 'refund' | 'place' | 'cancel';

/** Compensations owed after `failedStep` failed: those of the completed steps, newest first. */
export function compensationsFor(failedStep: (typeof SAGA_STEPS)[number]['step']): string[] {
  const index = SAGA_STEPS.findIndex((s) => s.step === failedStep);
  return SAGA_STEPS.slice(0, index)
    .map((s) => s.compensation)
    .filter((c): c is 'release' | 'refund' => c !== null)
    .reverse();
}

/**
 * Who reacts to what in the choreography. Each entry becomes a subscription with
 * a filter policy on the event type; no service knows who consumes its events.
 */
export const REACTIONS: Record<Exclude<ServiceName, 'orders'> | 'orders', readonly EventType[]> = {
  inventory: ['OrderPlaced', 'PaymentDeclined', 'ShipmentFailed', 'ShipmentCreated'],
  payments: ['InventoryReserved', 'ShipmentFailed'],
  shipping: ['PaymentCharged', 'OrderCancelRequested'],
  notifications: ['ShipmentCreated'],
  orders: [
    'InventoryReserved',
    'InventoryRejected',
    'InventoryReleased',
    'PaymentCharged',
    'PaymentDeclined',
    'PaymentRefunded',
    'ShipmentCreated',
    'ShipmentFailed',
    'CustomerNotified',
  ],
};

/** The order's view of its saga, folded from its own event stream (the event store). */
export interface OrderSagaState {
  status: OrderStatus;
  cancelRequested: boolean;
  /** Compensations still outstanding before the order may be CANCELLED. */
  awaiting: ('release' | 'refund')[];
  /** Compensations already observed: the queues do not keep order, so one may arrive before its failure. */
  compensated: ('release' | 'refund')[];
  failure?: string;
}

export const INITIAL_SAGA_STATE: OrderSagaState = { status: 'PENDING', cancelRequested: false, awaiting: [], compensated: [] };

const owing = (state: OrderSagaState, owed: ('release' | 'refund')[]) => owed.filter((c) => !state.compensated.includes(c));
const compensated = (state: OrderSagaState, c: 'release' | 'refund'): OrderSagaState => ({
  ...state,
  awaiting: state.awaiting.filter((a) => a !== c),
  compensated: state.compensated.includes(c) ? state.compensated : [...state.compensated, c],
});

/** Pure state transition: how one event changes the order's view of the saga. */
export function evolve(state: OrderSagaState, event: DomainEvent): OrderSagaState {
  // A terminal status is final: a late or reordered event (say ShipmentCreated after CustomerNotified) changes nothing.
  if (isTerminal(state.status)) return state;
  switch (event.type) {
    case 'OrderPlaced':
      return { ...INITIAL_SAGA_STATE };
    case 'OrderCancelRequested':
      return { ...state, cancelRequested: true };
    case 'InventoryReserved':
      return state.status === 'PENDING' ? { ...state, status: 'INVENTORY_RESERVED' } : state;
    case 'InventoryRejected':
      return { ...state, failure: `out of stock: ${event.payload.missingSkus.join(', ')}` };
    case 'PaymentCharged':
      return state.status === 'INVENTORY_RESERVED' ? { ...state, status: 'PAYMENT_CHARGED' } : state;
    // The first failure decides the compensations; a later or repeated one adds none.
    case 'PaymentDeclined':
      return state.failure
        ? state
        : { ...state, failure: `payment declined: ${event.payload.reason}`, awaiting: owing(state, ['release']) };
    case 'ShipmentFailed':
      return state.failure
        ? state
        : { ...state, failure: `shipment failed: ${event.payload.reason}`, awaiting: owing(state, ['refund', 'release']) };
    case 'PaymentRefunded':
      return compensated(state, 'refund');
    case 'InventoryReleased':
      return compensated(state, 'release');
    case 'ShipmentCreated':
      return { ...state, status: 'SHIPPED' };
    case 'OrderCompleted':
      return { ...state, status: 'COMPLETED' };
    case 'OrderRejected':
      return { ...state, status: 'REJECTED' };
    case 'OrderCancelled':
      return { ...state, status: 'CANCELLED', awaiting: [] };
    default:
      return state;
  }
}

export type TerminalDecision =
  { type: 'OrderCompleted' } | { type: 'OrderRejected'; reason: string } | { type: 'OrderCancelled'; reason: string };

/**
 * Whether the latest event ends the saga. The orders service appends the
 * decision as an event; orchestrators reach the same decision by construction.
 */
export function decideTerminal(state: OrderSagaState, latest: DomainEvent): TerminalDecision | undefined {
  if (isTerminal(state.status)) return undefined;
  if (latest.type === 'InventoryRejected') return { type: 'OrderRejected', reason: state.failure ?? 'out of stock' };
  if (latest.type === 'CustomerNotified') return { type: 'OrderCompleted' };
  // The last compensation, or a failure whose compensations were all observed before it.
  const settles = ['InventoryReleased', 'PaymentRefunded', 'PaymentDeclined', 'ShipmentFailed'].includes(latest.type);
  if (state.failure && state.awaiting.length === 0 && settles) {
    return { type: 'OrderCancelled', reason: state.failure };
  }
  return undefined;
}
