import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, SERVICES, TERMINAL_EVENTS, type DomainEvent, type EventType } from '../contracts.ts';
import {
  compensationsFor,
  decideTerminal,
  evolve,
  INITIAL_SAGA_STATE,
  REACTIONS,
  SAGA_STEPS,
  type OrderSagaState,
  type TerminalDecision,
} from '../saga.ts';
import { makeEvent, stream } from './events.ts';

interface Step {
  event: EventType;
  state: OrderSagaState;
  decision: TerminalDecision | undefined;
}

/**
 * Replays events the way the orders service observes them: fold each one, ask for
 * a decision, and append the decision (as its event) to the stream when there is one.
 */
function replay(
  events: DomainEvent[],
  from: OrderSagaState = INITIAL_SAGA_STATE,
): { state: OrderSagaState; steps: Step[]; decisions: TerminalDecision[] } {
  let state = from;
  const steps: Step[] = [];
  for (const event of events) {
    state = evolve(state, event);
    const decision = decideTerminal(state, event);
    steps.push({ event: event.type, state, decision });
    if (decision) {
      const decided =
        decision.type === 'OrderCompleted' ? makeEvent('OrderCompleted') : makeEvent(decision.type, { reason: decision.reason });
      state = evolve(state, decided as DomainEvent);
    }
  }
  return { state, steps, decisions: steps.flatMap((s) => (s.decision ? [s.decision] : [])) };
}

const decisionsAt = (steps: Step[]) => steps.flatMap((s) => (s.decision ? [[s.event, s.decision.type]] : []));

describe('compensationsFor', () => {
  it('owes nothing when the first step fails', () => {
    expect(compensationsFor('reserve')).toEqual([]);
  });

  it('releases the reservation when the charge fails', () => {
    expect(compensationsFor('charge')).toEqual(['release']);
  });

  it('refunds, then releases, when shipping fails (newest first)', () => {
    expect(compensationsFor('ship')).toEqual(['refund', 'release']);
  });

  it('owes the same after the steps that have no compensation', () => {
    expect(compensationsFor('commit')).toEqual(['refund', 'release']);
    expect(compensationsFor('notify')).toEqual(['refund', 'release']);
  });

  it('walks the steps in saga order', () => {
    expect(SAGA_STEPS.map((s) => s.step)).toEqual(['reserve', 'charge', 'ship', 'commit', 'notify']);
  });
});

describe('evolve + decideTerminal', () => {
  it('happy path: statuses advance and the only decision is OrderCompleted, at CustomerNotified', () => {
    const { state, steps } = replay(
      stream('OrderPlaced', 'InventoryReserved', 'PaymentCharged', 'ShipmentCreated', 'InventoryCommitted', 'CustomerNotified'),
    );
    expect(steps.map((s) => s.state.status)).toEqual(['PENDING', 'INVENTORY_RESERVED', 'PAYMENT_CHARGED', 'SHIPPED', 'SHIPPED', 'SHIPPED']);
    expect(decisionsAt(steps)).toEqual([['CustomerNotified', 'OrderCompleted']]);
    expect(state.status).toBe('COMPLETED');
    expect(state.failure).toBeUndefined();
    expect(state.awaiting).toEqual([]);
  });

  it('out of stock: InventoryRejected decides OrderRejected, naming the SKUs', () => {
    const { state, steps } = replay([makeEvent('OrderPlaced'), makeEvent('InventoryRejected', { missingSkus: ['SKU-7', 'SKU-9'] })]);
    expect(decisionsAt(steps)).toEqual([['InventoryRejected', 'OrderRejected']]);
    expect(steps.at(-1)!.decision).toEqual({ type: 'OrderRejected', reason: 'out of stock: SKU-7, SKU-9' });
    expect(state.status).toBe('REJECTED');
  });

  it('payment declined: awaits the release, then decides OrderCancelled', () => {
    const { state, steps } = replay([
      makeEvent('OrderPlaced'),
      makeEvent('InventoryReserved'),
      makeEvent('PaymentDeclined', { reason: 'insufficient funds' }),
      makeEvent('InventoryReleased'),
    ]);
    expect(steps[2]!.decision).toBeUndefined();
    expect(steps[2]!.state.awaiting).toEqual(['release']);
    expect(steps[3]!.decision).toEqual({ type: 'OrderCancelled', reason: 'payment declined: insufficient funds' });
    expect(decisionsAt(steps)).toHaveLength(1);
    expect(state.status).toBe('CANCELLED');
    expect(state.awaiting).toEqual([]);
  });

  const untilShipment = () => stream('OrderPlaced', 'InventoryReserved', 'PaymentCharged');

  it.each<[string, EventType[]]>([
    ['refund, then release', ['PaymentRefunded', 'InventoryReleased']],
    ['release, then refund', ['InventoryReleased', 'PaymentRefunded']],
  ])('shipment failed: cancelled only after both compensations (%s)', (_name, compensations) => {
    const { state, steps } = replay([
      ...untilShipment(),
      makeEvent('ShipmentFailed', { reason: 'ADDRESS_INVALID' }),
      ...stream(...compensations),
    ]);
    const [failed, first, second] = steps.slice(3);
    expect(failed!.state.awaiting.sort()).toEqual(['refund', 'release']);
    expect(failed!.decision).toBeUndefined();
    // One compensation is not enough.
    expect(first!.decision).toBeUndefined();
    expect(first!.state.awaiting).toHaveLength(1);
    expect(first!.state.status).not.toBe('CANCELLED');
    expect(second!.decision).toEqual({ type: 'OrderCancelled', reason: 'shipment failed: ADDRESS_INVALID' });
    expect(state.status).toBe('CANCELLED');
  });

  it('shipment failed: the same compensation twice does not stand in for the other', () => {
    const { state, steps } = replay([
      ...untilShipment(),
      makeEvent('ShipmentFailed'),
      makeEvent('PaymentRefunded'),
      makeEvent('PaymentRefunded'),
    ]);
    expect(decisionsAt(steps)).toEqual([]);
    expect(state.awaiting).toEqual(['release']);
    expect(state.status).not.toBe('CANCELLED');
  });

  it('customer cancel: recorded, and the blocked shipment is compensated into OrderCancelled', () => {
    const { state, steps } = replay([
      makeEvent('OrderPlaced'),
      makeEvent('OrderCancelRequested'),
      makeEvent('InventoryReserved'),
      makeEvent('PaymentCharged'),
      makeEvent('ShipmentFailed', { reason: 'CANCELLED_BY_CUSTOMER' }),
      makeEvent('InventoryReleased'),
      makeEvent('PaymentRefunded'),
    ]);
    expect(steps[1]!.state.cancelRequested).toBe(true);
    expect(steps[1]!.state.status).toBe('PENDING');
    expect(decisionsAt(steps)).toEqual([['PaymentRefunded', 'OrderCancelled']]);
    expect(steps.at(-1)!.decision).toEqual({ type: 'OrderCancelled', reason: 'shipment failed: CANCELLED_BY_CUSTOMER' });
    expect(state.status).toBe('CANCELLED');
  });

  it('the first failure decides the compensations; a later one adds none', () => {
    const { state } = replay([
      makeEvent('OrderPlaced'),
      makeEvent('InventoryReserved'),
      makeEvent('PaymentDeclined', { reason: 'first' }),
      makeEvent('ShipmentFailed'),
    ]);
    expect(state.failure).toBe('payment declined: first');
    expect(state.awaiting).toEqual(['release']);
  });

  it('compensations with no failure decide nothing', () => {
    const { steps, state } = replay(stream('OrderPlaced', 'InventoryReserved', 'InventoryReleased', 'PaymentRefunded'));
    expect(decisionsAt(steps)).toEqual([]);
    expect(state.status).toBe('INVENTORY_RESERVED');
  });

  it('a charge before the reservation does not skip a status', () => {
    const state = replay(stream('OrderPlaced', 'PaymentCharged')).state;
    expect(state.status).toBe('PENDING');
  });

  describe('no decision once terminal', () => {
    const completed = () =>
      replay(stream('OrderPlaced', 'InventoryReserved', 'PaymentCharged', 'ShipmentCreated', 'CustomerNotified')).state;
    const rejected = () => replay(stream('OrderPlaced', 'InventoryRejected')).state;
    const cancelled = () => replay(stream('OrderPlaced', 'InventoryReserved', 'PaymentDeclined', 'InventoryReleased')).state;

    it.each<[string, () => OrderSagaState, EventType]>([
      ['COMPLETED', completed, 'CustomerNotified'],
      ['COMPLETED', completed, 'InventoryRejected'],
      ['COMPLETED', completed, 'InventoryReleased'],
      ['REJECTED', rejected, 'InventoryRejected'],
      ['REJECTED', rejected, 'CustomerNotified'],
      ['CANCELLED', cancelled, 'InventoryReleased'],
      ['CANCELLED', cancelled, 'PaymentRefunded'],
      ['CANCELLED', cancelled, 'InventoryRejected'],
      ['CANCELLED', cancelled, 'CustomerNotified'],
    ])('%s, then %s: no decision', (_status, reach, type) => {
      const state = reach();
      expect(['COMPLETED', 'REJECTED', 'CANCELLED']).toContain(state.status);
      const event = makeEvent(type) as DomainEvent;
      expect(decideTerminal(state, event)).toBeUndefined();
      expect(decideTerminal(evolve(state, event), event)).toBeUndefined();
    });

    it.each<[string, () => OrderSagaState]>([
      ['COMPLETED', completed],
      ['REJECTED', rejected],
      ['CANCELLED', cancelled],
    ])('%s is absorbing: no later event moves the status or yields a decision', (status, reach) => {
      for (const type of EVENT_TYPES) {
        const { state, decisions } = replay(
          [makeEvent(type) as DomainEvent, ...stream('CustomerNotified', 'InventoryReleased', 'PaymentRefunded')],
          reach(),
        );
        expect(state.status, `${status} then ${type}`).toBe(status);
        expect(decisions, `${status} then ${type}`).toEqual([]);
      }
    });
  });

  describe('events observed out of order (standard SQS queues do not keep order)', () => {
    it('CustomerNotified before ShipmentCreated: completed, and the late ShipmentCreated leaves it COMPLETED', () => {
      const { state, decisions } = replay(
        stream('OrderPlaced', 'InventoryReserved', 'PaymentCharged', 'CustomerNotified', 'ShipmentCreated'),
      );
      expect(decisions).toEqual([{ type: 'OrderCompleted' }]);
      expect(state.status).toBe('COMPLETED');
    });

    it('InventoryReleased before PaymentDeclined: cancelled when the decline arrives', () => {
      const { state, steps } = replay([
        makeEvent('OrderPlaced'),
        makeEvent('InventoryReserved'),
        makeEvent('InventoryReleased'),
        makeEvent('PaymentDeclined', { reason: 'expired card' }),
      ]);
      expect(decisionsAt(steps)).toEqual([['PaymentDeclined', 'OrderCancelled']]);
      expect(state.status).toBe('CANCELLED');
    });

    it('both compensations before ShipmentFailed: cancelled when the failure arrives', () => {
      const { state, steps } = replay([...untilShipment(), ...stream('PaymentRefunded', 'InventoryReleased', 'ShipmentFailed')]);
      expect(decisionsAt(steps)).toEqual([['ShipmentFailed', 'OrderCancelled']]);
      expect(state.status).toBe('CANCELLED');
    });

    it('one compensation before ShipmentFailed: still waits for the other', () => {
      const { steps } = replay([...untilShipment(), ...stream('InventoryReleased', 'ShipmentFailed', 'PaymentRefunded')]);
      expect(steps[4]!.decision).toBeUndefined();
      expect(steps[4]!.state.awaiting).toEqual(['refund']);
      expect(decisionsAt(steps)).toEqual([['PaymentRefunded', 'OrderCancelled']]);
    });
  });

  it('is pure: never mutates the state it is given', () => {
    const frozen = (s: OrderSagaState): OrderSagaState =>
      Object.freeze({ ...s, awaiting: Object.freeze([...s.awaiting]) as OrderSagaState['awaiting'] });
    let state = frozen(INITIAL_SAGA_STATE);
    const before = JSON.stringify(INITIAL_SAGA_STATE);
    for (const event of stream(
      'OrderPlaced',
      'InventoryReserved',
      'PaymentCharged',
      'ShipmentFailed',
      'PaymentRefunded',
      'InventoryReleased',
    )) {
      const copy = JSON.stringify(state);
      const next = evolve(state, event);
      expect(JSON.stringify(state)).toBe(copy);
      state = frozen(next);
    }
    expect(JSON.stringify(INITIAL_SAGA_STATE)).toBe(before);
  });

  it('replaying the same stream twice gives the same state (a projection can be rebuilt)', () => {
    const events = stream('OrderPlaced', 'InventoryReserved', 'PaymentCharged', 'ShipmentFailed', 'InventoryReleased');
    const fold = () => events.reduce(evolve, INITIAL_SAGA_STATE);
    expect(fold()).toEqual(fold());
  });
});

describe('REACTIONS', () => {
  /** Who publishes each event type (the orders service publishes the Order* events). */
  const producerOf = (type: EventType): string =>
    type.startsWith('Order')
      ? 'orders'
      : type.startsWith('Inventory')
        ? 'inventory'
        : type.startsWith('Payment')
          ? 'payments'
          : type.startsWith('Shipment')
            ? 'shipping'
            : type === 'CustomerNotified'
              ? 'notifications'
              : 'unknown';

  const entries = Object.entries(REACTIONS) as [keyof typeof REACTIONS, readonly EventType[]][];

  it('has an entry for every service and no other', () => {
    expect(Object.keys(REACTIONS).sort()).toEqual([...SERVICES].sort());
  });

  it('names only event types that exist, each at most once per service', () => {
    for (const [service, types] of entries) {
      for (const t of types) expect(EVENT_TYPES, `${service} reacts to ${t}`).toContain(t);
      expect(new Set(types).size, service).toBe(types.length);
    }
  });

  it('every event type has a known producer', () => {
    for (const t of EVENT_TYPES) expect(producerOf(t), t).not.toBe('unknown');
  });

  it('no service reacts to the terminal events (they end the saga)', () => {
    for (const [service, types] of entries) {
      for (const t of TERMINAL_EVENTS) expect(types, `${service} reacts to ${t}`).not.toContain(t);
    }
  });

  it('no service reacts to an event it publishes itself', () => {
    for (const [service, types] of entries) {
      for (const t of types) expect(producerOf(t), `${service} reacts to its own ${t}`).not.toBe(service);
    }
  });

  it('the failure events reach the services that owe their compensations', () => {
    const serviceOfCompensation = Object.fromEntries(SAGA_STEPS.flatMap((s) => (s.compensation ? [[s.compensation, s.service]] : [])));
    const failures: [EventType, (typeof SAGA_STEPS)[number]['step']][] = [
      ['PaymentDeclined', 'charge'],
      ['ShipmentFailed', 'ship'],
    ];
    for (const [event, step] of failures) {
      const owed = compensationsFor(step);
      expect(owed.length).toBeGreaterThan(0);
      for (const c of owed) {
        const service = serviceOfCompensation[c] as keyof typeof REACTIONS;
        expect(REACTIONS[service], `${service} must react to ${event} to ${c}`).toContain(event);
      }
    }
  });

  it('the orders service observes every event its saga decisions depend on', () => {
    for (const t of [
      'InventoryRejected',
      'PaymentDeclined',
      'ShipmentFailed',
      'InventoryReleased',
      'PaymentRefunded',
      'CustomerNotified',
    ] as const) {
      expect(REACTIONS.orders).toContain(t);
    }
  });

  it('each forward step is triggered by the previous step’s success', () => {
    expect(REACTIONS.inventory).toContain('OrderPlaced');
    expect(REACTIONS.payments).toContain('InventoryReserved');
    expect(REACTIONS.shipping).toContain('PaymentCharged');
    expect(REACTIONS.inventory).toContain('ShipmentCreated');
    expect(REACTIONS.notifications).toContain('ShipmentCreated');
  });
});
