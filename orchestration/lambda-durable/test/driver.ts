import type { AwsClients } from '../../../shared/aws/clients.ts';
import { parseOrderDocument } from '../../../shared/domain/contracts.ts';
import type { VariantDriver } from '../../../shared/variant/driver.ts';
import { requestCancel } from '../../tasks.ts';
import { startLocalDurable } from '../local.ts';

export async function lambdaDurableDriver(clients: AwsClients, prefix: string): Promise<VariantDriver> {
  const durable = await startLocalDurable(clients, { prefix });
  const running = new Map<string, Promise<unknown>>();
  const place = async (order: Parameters<VariantDriver['place']>[0]) => {
    const o = parseOrderDocument(order);
    running.set(
      o.orderId,
      durable.run(o).catch((err: Error) => console.error(`lambda-durable: ${o.orderId}: ${err.message}`)),
    );
  };
  return {
    name: 'lambda-durable',
    tables: durable.tables,
    place,
    // The execution name is the order id, as Invoke's DurableExecutionName makes it on AWS: a second start is refused.
    async placeAgain(order) {
      if (running.has(order.orderId)) return 'refused';
      await place(order);
      return 'same';
    },
    cancel: (orderId) => requestCancel(clients, durable.tables, orderId),
    async stop() {
      await Promise.all(running.values());
      await durable.stop();
    },
  };
}
