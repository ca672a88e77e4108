import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { generateWorkload, initialStock } from '../../bench/workload.ts';
import { checkInvariants } from '../../bench/invariants.ts';
import { provisionLocal, startLocal, type RunningChoreography } from '../variant.ts';

// 200 seeded orders with a failure mix through the running choreography: every
// order must end as its plan says, with stock and money conserved.
describe('choreography under a seeded mixed workload', () => {
  const substrate = inject('substrate');
  let clients: AwsClients;
  let variant: RunningChoreography;

  beforeAll(async () => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    variant = await startLocal(clients, await provisionLocal(clients, `mix-${Date.now()}`));
  });
  afterAll(async () => {
    await variant.stop();
    clients.destroy();
  });

  it('ends 200 orders as planned, with every invariant holding', { timeout: 600_000 }, async () => {
    const plan = generateWorkload({ seed: 7, orders: 200, mix: { outOfStockPct: 10, declinePct: 10, shippingFailurePct: 10, transientPct: 15 } });
    expect(new Set(plan.map((p) => p.expected))).toEqual(new Set(['COMPLETED', 'REJECTED', 'CANCELLED']));
    const stock = initialStock(plan);
    await variant.deps.inventory.seedStock(stock);

    const terminal = new Set<string>();
    const deadline = Date.now() + 480_000;
    const collecting = (async () => {
      while (terminal.size < plan.length && Date.now() < deadline) for (const e of await variant.nextCompletions(1)) terminal.add(e.orderId);
    })();
    // Eight clients place orders at once, as a closed loop would.
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < plan.length; i = next++) await variant.deps.orders.placeOrder(plan[i]!.input);
      }),
    );
    await collecting;
    expect(terminal.size).toBe(plan.length);

    const report = await checkInvariants(plan, stock, {
      inventory: variant.deps.inventory,
      payments: variant.deps.payments,
      shipments: variant.deps.shipments,
      statusOf: async (id) => (await variant.deps.orders.getOrder(id))?.status,
    });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  });
});
