import type { Tree } from './change.ts';

/**
 * The part of the fraud-check change every variant makes the same way: the
 * service function, its service name, and its place in the saga's steps.
 * The variant scripts then wire it into their own coordination.
 */
const FRAUD_SERVICE = `import type { OrderLine } from '../domain/order.ts';

export type FraudOutcome = { status: 'CLEARED'; score: number } | { status: 'SUSPECTED'; score: number; reason: string };

/** At or above this risk score the order is refused before any money moves. */
export const FRAUD_THRESHOLD = 80;

/**
 * Scores an order between reservation and payment. Deterministic in the order
 * (no outside call), so every coordinator and every redelivery reach the same
 * verdict, and a repeated check is harmless.
 */
export async function checkFraud(cmd: { orderId: string; customerId: string; totalCents: number; lines: readonly OrderLine[] }): Promise<FraudOutcome> {
  const score = Math.min(100, Math.floor(cmd.totalCents / 100_000) + cmd.lines.length);
  return score >= FRAUD_THRESHOLD ? { status: 'SUSPECTED', score, reason: \`risk score \${score}\` } : { status: 'CLEARED', score };
}
`;

export function addFraudService(tree: Tree): void {
  tree.create('shared/services/fraud.ts', FRAUD_SERVICE);
  // A new service: its name is what traces and producers carry.
  tree.replace(
    'shared/domain/contracts.ts',
    "export const SERVICES = ['orders', 'inventory', 'payments', 'shipping', 'notifications'] as const;",
    "export const SERVICES = ['orders', 'inventory', 'payments', 'shipping', 'notifications', 'fraud'] as const;",
  );
  // The saga as data: the new step sits between reserve and charge and needs no compensation.
  tree.insertAfter(
    'shared/domain/saga.ts',
    "  { step: 'reserve', service: 'inventory', compensation: 'release' },\n",
    "  { step: 'fraud', service: 'fraud', compensation: null },\n",
  );
}

/**
 * REACTIONS is typed Record<ServiceName, ...>, so an orchestrated variant that
 * adds a service must still give it an (empty) choreography entry to compile.
 */
export function addEmptyReaction(tree: Tree): void {
  tree.insertAfter('shared/domain/saga.ts', "  notifications: ['ShipmentCreated'],\n", '  fraud: [],\n');
}

/**
 * Both orchestrators run the one task table (orchestration/tasks.ts): the fraud
 * check is one entry there, traced under its owning service (TASK_SERVICE).
 */
export function addFraudTask(tree: Tree): void {
  const tasks = 'orchestration/tasks.ts';
  tree.insertAfter(
    tasks,
    "import { notifyCustomer } from '../shared/services/notifications.ts';\n",
    "import { checkFraud } from '../shared/services/fraud.ts';\n",
  );
  tree.insertBefore(
    tasks,
    '    charge: (c: TaskCall) =>\n',
    '    fraud: (c: TaskCall) =>\n' +
      '      checkFraud({ orderId: c.order.orderId, customerId: c.order.customerId, totalCents: c.order.totalCents, lines: c.order.lines }),\n',
  );
  tree.insertAfter(tasks, "  commit: 'inventory',\n", "  fraud: 'fraud',\n");
}
