import type { ChangeScript } from '../../../shared/variant/change.ts';
import { addEmptyReaction, addFraudService, addFraudTask } from '../../../shared/variant/fraud-change.ts';

/**
 * Step Functions: a FraudCheck Task after Reserved? and a Choice that releases
 * the reservation on a suspected order (the decline path already does that),
 * plus the `fraud` entry in the orchestrators' task table. Workers validate
 * task names against TASKS, so they pick it up without an edit.
 */
export const change: ChangeScript = {
  variant: 'stepfunctions',
  summary: 'fraud check between Reserve and Charge: one Task and one Choice in the definition, one task in the task table',
  apply(tree) {
    addFraudService(tree);
    addEmptyReaction(tree);
    addFraudTask(tree);

    const definition = 'orchestration/stepfunctions/definition.ts';
    tree.replace(definition, 'order saga: reserve, charge,', 'order saga: reserve, fraud check, charge,');
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
