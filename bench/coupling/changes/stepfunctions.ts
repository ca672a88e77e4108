import type { ChangeScript } from '../edit.ts';
import { addEmptyReaction, addFraudService, addTaskService } from './shared.ts';

/**
 * Step Functions: a FraudCheck Task after Reserved? and a Choice that releases
 * the reservation on a suspected order (the decline path already does that),
 * plus the `fraud` task in the task runner. Workers validate task names
 * against TASKS, so they pick it up without an edit.
 */
export const change: ChangeScript = {
  variant: 'stepfunctions',
  summary: 'fraud check between Reserve and Charge: one Task and one Choice in the definition, one task in the runner',
  apply(tree) {
    addFraudService(tree);
    addEmptyReaction(tree);
    addTaskService(tree);

    const tasks = 'orchestration/tasks.ts';
    tree.insertAfter(tasks, "import { notifyCustomer } from '../shared/services/notifications.ts';\n", "import { checkFraud } from '../shared/services/fraud.ts';\n");
    tree.replace(tasks, "'commit', 'charge', 'refund', 'cancelGate'", "'commit', 'fraud', 'charge', 'refund', 'cancelGate'");
    tree.insertBefore(
      tasks,
      "      case 'charge':\n",
      "      case 'fraud':\n        return checkFraud({ orderId, customerId: order.customerId, totalCents: order.totalCents, lines: order.lines });\n",
    );

    const definition = 'orchestration/stepfunctions/definition.ts';
    tree.replace(definition, "order saga: reserve, charge,", 'order saga: reserve, fraud check, charge,');
    tree.replace(
      definition,
      "      'Reserved?': choice('$.r.reserve.status', 'OUT_OF_STOCK', 'RecordRejected', 'Charge'),\n",
      "      'Reserved?': choice('$.r.reserve.status', 'OUT_OF_STOCK', 'RecordRejected', 'FraudCheck'),\n",
    );
    tree.insertAfter(
      definition,
      "      Rejected: { Type: 'Succeed' },\n",
      "      FraudCheck: task('fraud', 'Cleared?', { catch: true }),\n" +
        "      'Cleared?': choice('$.r.fraud.status', 'SUSPECTED', 'ReleaseAfterDecline', 'Charge'),\n",
    );
  },
};
