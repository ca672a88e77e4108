import type { ChangeScript } from '../../../shared/variant/change.ts';
import { addEmptyReaction, addFraudService, addFraudTask } from '../../../shared/variant/fraud-change.ts';

/**
 * Lambda durable functions: a `fraud` entry in the task table and one step in the
 * durable handler after the reservation. The release compensation is already on the
 * stack then, so a suspected order just finishes CANCELLED and the stack undoes it.
 */
export const change: ChangeScript = {
  variant: 'lambda-durable',
  summary: 'fraud check between reserve and charge: one task (a durable step), one handler call and branch',
  apply(tree) {
    addFraudService(tree);
    addEmptyReaction(tree);
    addFraudTask(tree);

    tree.insertAfter(
      'orchestration/lambda-durable/saga.ts',
      "        return await finish('REJECTED', `out of stock: ${reserved.missingSkus.join(', ')}`);\n      }\n",
      '\n' +
        "      const screened = await step('fraud');\n" +
        "      if (screened.status === 'SUSPECTED') return await finish('CANCELLED', `fraud suspected: ${screened.reason}`);\n",
    );
  },
};
