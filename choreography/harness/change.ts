import type { ChangeScript } from '../../shared/variant/change.ts';
import { addFraudService } from '../../shared/variant/fraud-change.ts';

/**
 * Choreography: the fraud service reacts to InventoryReserved and publishes
 * FraudCleared or FraudSuspected; payments now reacts to FraudCleared;
 * inventory releases on FraudSuspected; the orders service folds the failure
 * and settles the order when the release arrives. Subscriptions follow from
 * REACTIONS, and a consumer per SERVICES entry, so no infra edit is needed.
 */
export const change: ChangeScript = {
  variant: 'choreography',
  summary: 'fraud check between InventoryReserved and the charge: two new events, a new subscriber, payments re-subscribed',
  apply(tree) {
    addFraudService(tree);

    tree.insertAfter(
      'shared/domain/contracts.ts',
      "  InventoryCommitted: message('InventoryCommitted', { reservationId: id }),\n",
      "  FraudCleared: message('FraudCleared', { score: z.number().int().min(0).max(100) }),\n" +
        "  FraudSuspected: message('FraudSuspected', { reason: failureReason }),\n",
    );

    const saga = 'shared/domain/saga.ts';
    tree.replace(
      saga,
      "  inventory: ['OrderPlaced', 'PaymentDeclined', 'ShipmentFailed', 'ShipmentCreated'],\n",
      "  inventory: ['OrderPlaced', 'FraudSuspected', 'PaymentDeclined', 'ShipmentFailed', 'ShipmentCreated'],\n",
    );
    tree.replace(
      saga,
      "  payments: ['InventoryReserved', 'ShipmentFailed'],\n",
      "  fraud: ['InventoryReserved'],\n  payments: ['FraudCleared', 'ShipmentFailed'],\n",
    );
    tree.insertAfter(saga, "    'InventoryReleased',\n    'PaymentCharged',\n", "    'FraudSuspected',\n");
    tree.insertAfter(
      saga,
      '    // The first failure decides the compensations; a later or repeated one adds none.\n',
      "    case 'FraudSuspected':\n" +
        "      return state.failure ? state : { ...state, failure: `fraud suspected: ${event.payload.reason}`, awaiting: owing(state, ['release']) };\n",
    );
    tree.replace(
      saga,
      "['InventoryReleased', 'PaymentRefunded', 'PaymentDeclined', 'ShipmentFailed']",
      "['InventoryReleased', 'PaymentRefunded', 'FraudSuspected', 'PaymentDeclined', 'ShipmentFailed']",
    );

    const reactions = 'choreography/reactions.ts';
    tree.insertAfter(
      reactions,
      "import { notifyCustomer } from '../shared/services/notifications.ts';\n",
      "import { checkFraud } from '../shared/services/fraud.ts';\n",
    );
    tree.replace(
      reactions,
      "    case 'inventory:PaymentDeclined':\n",
      "    case 'inventory:FraudSuspected':\n    case 'inventory:PaymentDeclined':\n",
    );
    tree.replace(
      reactions,
      "    case 'payments:InventoryReserved': {\n",
      [
        "    case 'fraud:InventoryReserved': {",
        '      const order = await deps.claims.load(event.order);',
        '      const r = await checkFraud({ orderId: event.orderId, customerId: order.customerId, totalCents: order.totalCents, lines: order.lines });',
        "      emit(r.status === 'CLEARED' ? eventFrom('FraudCleared', { score: r.score }, ctx) : eventFrom('FraudSuspected', { reason: r.reason }, ctx));",
        '      break;',
        '    }',
        "    case 'payments:FraudCleared': {",
        '',
      ].join('\n'),
    );

    // Needed to compile: the test helper keeps a sample payload and producer per event type.
    const events = 'shared/domain/test/events.ts';
    tree.insertAfter(
      events,
      "  InventoryCommitted: { reservationId: 'res-1' },\n",
      "  FraudCleared: { score: 10 },\n  FraudSuspected: { reason: 'risk score 90' },\n",
    );
    tree.insertAfter(events, "  InventoryCommitted: 'inventory',\n", "  FraudCleared: 'fraud',\n  FraudSuspected: 'fraud',\n");
  },
};
