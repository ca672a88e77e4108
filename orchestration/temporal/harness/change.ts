import type { ChangeScript } from '../../../shared/variant/change.ts';
import { addEmptyReaction, addFraudService, addFraudTask } from '../../../shared/variant/fraud-change.ts';

/**
 * Temporal: a `fraud` entry in the task table (its activities are that table)
 * and one call in the workflow after the reservation. The release compensation is already on the stack then, so a
 * suspected order just finishes CANCELLED and the stack undoes the reservation.
 */
export const change: ChangeScript = {
  variant: 'temporal',
  summary: 'fraud check between reserve and charge: one task (activity), one workflow call and branch',
  apply(tree) {
    addFraudService(tree);
    addEmptyReaction(tree);
    addFraudTask(tree);

    tree.insertAfter(
      'orchestration/temporal/workflow.ts',
      "    status = 'INVENTORY_RESERVED';\n",
      '\n' +
        '    const screened = await acts.fraud({ order });\n' +
        "    if (screened.status === 'SUSPECTED') return finish('CANCELLED', `fraud suspected: ${screened.reason}`);\n",
    );
  },
};
