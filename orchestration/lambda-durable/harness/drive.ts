import { parseOrderDocument, type OrderDocument } from '../../../shared/domain/contracts.ts';
import { PendingCompletions } from '../../../shared/variant/pending.ts';
import type { VariantReport, VariantTarget } from '../../../shared/variant/target.ts';
import type { ExecutionUsage } from '../history.ts';

export type DurableTotals = NonNullable<VariantReport['durable']>;

/**
 * What every durable drive does, whoever runs the executions (the local function host, or Lambda
 * on AWS): the edge refuses a bad order before anything starts, each order id starts one
 * execution (its name), ends resolve the orders waiting for them, and each execution's usage
 * (read from its history, history.ts) is added to the run's totals once.
 */
export function durableDrive(start: (order: OrderDocument, again: boolean) => Promise<void>) {
  const pending = new PendingCompletions();
  const started = new Set<string>();
  const totals: DurableTotals = { executions: 0, operations: 0, retries: 0, dataWrittenBytes: 0, checkpointed: 0 };
  let truncatedPayloads = 0;
  const submit = async (input: unknown) => {
    const order = parseOrderDocument(input);
    const again = started.has(order.orderId);
    started.add(order.orderId);
    await start(order, again);
  };
  return {
    submit: ((_id, order) => submit(order)) as VariantTarget['submit'],
    submitDuplicate: submit as VariantTarget['submitDuplicate'],
    awaitTerminal: ((id) => pending.wait(id)) as VariantTarget['awaitTerminal'],
    /** Order ids started and not ended yet: what an end is looked for. */
    awaited: () => pending.pendingIds(),
    ended(id: string, status: string, terminalAt: number, detail?: string): void {
      pending.resolve({ id, status, terminalAt, ...(detail ? { detail } : {}) });
    },
    /** One execution's usage, counted once per execution whatever asked twice. */
    counted(usage: ExecutionUsage): void {
      totals.executions++;
      totals.operations += usage.operations;
      totals.retries += usage.retries;
      totals.dataWrittenBytes += usage.dataWrittenBytes;
      totals.checkpointed += usage.checkpointed;
      truncatedPayloads += usage.truncatedPayloads;
    },
    totals: (): DurableTotals => ({ ...totals, ...(truncatedPayloads ? { truncatedPayloads } : {}) }),
  };
}
