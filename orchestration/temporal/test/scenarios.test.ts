import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { venvBin } from '../../../shared/paths.ts';
import { WorkflowExecutionAlreadyStartedError, type Client, type Connection } from '@temporalio/client';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { provisionTables } from '../../../shared/engines/provision.ts';
import type { TableNames } from '../../../shared/topology/tables.ts';
import { connectClient, resolveTemporalTarget } from '../../../shared/temporal/connection.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { orderTotal } from '../../../shared/domain/order.ts';
import type { OrderDocument } from '../../../shared/domain/contracts.ts';
import { documentClient } from '../../../shared/services/dynamo/document.ts';
import { DynamoInventoryRepo } from '../../../shared/services/dynamo/inventory.ts';
import { DynamoNotificationsRepo, DynamoPaymentsRepo, DynamoShipmentsRepo } from '../../../shared/services/dynamo/records.ts';
import { tableReader } from '../../../shared/variant/snapshot.ts';
import { startWorker, type RunningWorker } from '../worker.ts';
import { countActions, historyStorage } from '../actions.ts';
import { countHistories, countHistoriesInChild } from '../harness/history-counts.ts';
import { cancelSignal, statusQuery, type SagaResult } from '../workflow.ts';

// The Temporal variant on the local dev server, over the same service functions
// and the same tables as the choreography; every scenario checks every table.
describe('temporal saga scenarios', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  let tables: TableNames;
  let worker: RunningWorker;
  let client: Client;
  let connection: Connection;
  const taskQueue = `saga-${Date.now()}`;
  let repos: {
    inventory: DynamoInventoryRepo;
    payments: DynamoPaymentsRepo;
    shipments: DynamoShipmentsRepo;
    notifications: DynamoNotificationsRepo;
  };

  beforeAll(async () => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    tables = await provisionTables(aws, `tmp-${Date.now()}`);
    const doc = documentClient(aws.dynamodb);
    repos = {
      inventory: new DynamoInventoryRepo(doc, tables.inventory),
      payments: new DynamoPaymentsRepo(doc, tables.payments),
      shipments: new DynamoShipmentsRepo(doc, tables.shipments),
      notifications: new DynamoNotificationsRepo(doc, tables.notifications),
    };
    await repos.inventory.seedStock({ WIDGET: 100, RARE: 1 });
    const target = resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace });
    worker = await startWorker(target, aws, tables, { taskQueue });
    ({ client, connection } = await connectClient(target));
  });
  afterAll(async () => {
    await worker.stop();
    await connection.close();
    aws.destroy();
  });

  let n = 0;
  const order = (o: Partial<OrderDocument> = {}): OrderDocument => {
    const lines = o.lines ?? [{ sku: 'WIDGET', qty: 2, unitPriceCents: 1500 }];
    return {
      orderId: `tord-${Date.now()}-${n++}`,
      customerId: 'cust-1',
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
      ...o,
      lines,
      totalCents: orderTotal(lines),
    };
  };
  const run = (o: OrderDocument) =>
    client.workflow.execute('orderSaga', { taskQueue, workflowId: o.orderId, args: [o] }) as Promise<SagaResult>;

  const tablesFor = (orderId: string) => tableReader(aws, tables).snapshot(orderId);

  it('completes the happy path', async () => {
    const o = order();
    expect(await run(o)).toEqual({ orderId: o.orderId, status: 'COMPLETED' });
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'COMPLETED',
      reservation: 'COMMITTED',
      payment: 'CHARGED',
      shipment: 'CREATED',
      notified: true,
    });
    // start + recordStatus, reserve, charge, ship, commit, notify, recordStatus
    const history = await client.workflow.getHandle(o.orderId).fetchHistory();
    expect(countActions(history.events ?? [])).toEqual({
      workflowStarts: 1,
      activitiesScheduled: 7,
      activityRetries: 0,
      signals: 0,
      timers: 0,
      other: 0,
      total: 8,
    });
  });

  it("shows its workflows to the venv's own temporal CLI", async () => {
    const o = order();
    await run(o);
    const r = spawnSync(
      venvBin('temporal'),
      ['workflow', 'list', '--address', substrate.temporal.address, '--query', `WorkflowId='${o.orderId}'`, '--output', 'json'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const listed = JSON.parse(r.stdout) as { execution: { workflowId: string }; type: { name: string }; status: string }[];
    expect(listed.map((w) => [w.execution.workflowId, w.type.name])).toEqual([[o.orderId, 'orderSaga']]);
  });

  it('rejects an order that is out of stock', async () => {
    const o = order({ lines: [{ sku: 'RARE', qty: 5, unitPriceCents: 100 }] });
    expect((await run(o)).status).toBe('REJECTED');
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'REJECTED',
      reservation: 'REJECTED',
      payment: undefined,
      shipment: undefined,
      notified: false,
    });
    expect(await repos.inventory.stockOf('RARE')).toBe(1);
  });

  it('releases the stock when the payment is declined', async () => {
    const o = order({ paymentToken: paymentToken('declined') });
    expect((await run(o)).status).toBe('CANCELLED');
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'DECLINED',
      shipment: undefined,
      notified: false,
    });
  });

  it('refunds and releases when shipping fails', async () => {
    const o = order({ shippingAddress: address('invalid') });
    expect((await run(o)).status).toBe('CANCELLED');
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'REFUNDED',
      shipment: 'FAILED',
      notified: false,
    });
  });

  it('retries a transient carrier error with the shared backoff', async () => {
    const o = order({ shippingAddress: address('ok', 2) });
    expect((await run(o)).status).toBe('COMPLETED');
    const history = await client.workflow.getHandle(o.orderId).fetchHistory();
    const shipStarted = history.events
      ?.filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(shipStarted).toContain(3);
    // The two failed attempts of ship are billed like the successful one: 7 scheduled + 2 retries.
    expect(countActions(history.events ?? [])).toMatchObject({ activitiesScheduled: 7, activityRetries: 2, total: 10 });
  });

  it('honours a cancel signal that arrives before shipping, and answers the status query', async () => {
    const o = order({ paymentToken: paymentToken('ok', 1) });
    const handle = await client.workflow.start('orderSaga', { taskQueue, workflowId: o.orderId, args: [o] });
    await handle.signal(cancelSignal, 'customer request');
    expect((await handle.query(statusQuery)).cancelRequested).toBe(true);
    expect(((await handle.result()) as SagaResult).status).toBe('CANCELLED');
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'REFUNDED',
      shipment: 'BLOCKED',
      notified: false,
    });
    expect((await handle.query(statusQuery)).status).toBe('CANCELLED');
    expect(countActions((await handle.fetchHistory()).events ?? []).signals).toBe(1);
  });

  it('has the server refuse a second start of the same order id', async () => {
    const o = order();
    const first = await client.workflow.start('orderSaga', { taskQueue, workflowId: o.orderId, args: [o] });
    await expect(client.workflow.start('orderSaga', { taskQueue, workflowId: o.orderId, args: [o] })).rejects.toBeInstanceOf(
      WorkflowExecutionAlreadyStartedError,
    );
    expect(((await first.result()) as SagaResult).status).toBe('COMPLETED');
  });

  it('counts histories page by page to the same actions, bytes and open time as whole histories', async () => {
    const orders = [order(), order({ shippingAddress: address('ok', 2) })];
    for (const o of orders) await run(o);
    const whole = { actions: 0, historyBytes: 0, openMsTotal: 0 };
    for (const o of orders) {
      const events = (await client.workflow.getHandle(o.orderId).fetchHistory()).events ?? [];
      const stored = historyStorage(events);
      whole.actions += countActions(events).total;
      whole.historyBytes += stored.bytes;
      whole.openMsTotal += stored.openMs;
    }
    expect(whole.actions).toBe(8 + 10);
    // Four events a page: every history comes in several pages.
    expect(
      await countHistories(
        client,
        orders.map((o) => o.orderId),
        4,
      ),
    ).toEqual(whole);
    // The harness counts in a child process of its own (its memory is given back when it exits): the same sums.
    const target = resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace });
    expect(
      await countHistoriesInChild(
        target,
        orders.map((o) => o.orderId),
      ),
    ).toEqual(whole);
  });
});
