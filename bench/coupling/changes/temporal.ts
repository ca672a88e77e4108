import type { ChangeScript } from '../edit.ts';
import { addEmptyReaction, addFraudService, addTaskService } from './shared.ts';

/**
 * Temporal: a `fraud` activity and one call in the workflow after the
 * reservation. The release compensation is already on the stack then, so a
 * suspected order just finishes CANCELLED and the stack undoes the reservation.
 */
export const change: ChangeScript = {
  variant: 'temporal',
  summary: 'fraud check between reserve and charge: one activity, one workflow call and branch',
  apply(tree) {
    addFraudService(tree);
    addEmptyReaction(tree);
    addTaskService(tree);

    const activities = 'orchestration/temporal/activities.ts';
    tree.insertAfter(activities, "import { notifyCustomer } from '../../shared/services/notifications.ts';\n", "import { checkFraud } from '../../shared/services/fraud.ts';\n");
    tree.insertAfter(
      activities,
      '    commit: (orderId: string) => commitInventory(inventory, orderId),\n',
      '    fraud: (orderId: string, customerId: string, totalCents: number, lines: OrderLine[]) =>\n' +
        '      checkFraud({ orderId, customerId, totalCents, lines }),\n',
    );

    tree.insertAfter(
      'orchestration/temporal/workflow.ts',
      "    status = 'INVENTORY_RESERVED';\n",
      '\n' +
        '    const screened = await acts.fraud(orderId, order.customerId, order.totalCents, order.lines);\n' +
        "    if (screened.status === 'SUSPECTED') return finish('CANCELLED', `fraud suspected: ${screened.reason}`);\n",
    );
  },
};
