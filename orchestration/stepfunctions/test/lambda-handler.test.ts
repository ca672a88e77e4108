import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { provisionTables } from '../../../shared/engines/provision.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { ContractError } from '../../../shared/domain/contracts.ts';
import { TransientError } from '../../../shared/services/errors.ts';
import { tableReader } from '../../../shared/variant/snapshot.ts';
import { createTaskRunner } from '../../tasks.ts';
import { makeLambdaTaskHandler } from '../lambda-handler.ts';
import { INFRASTRUCTURE_ERRORS } from '../definition.ts';
import { Meter } from '../../../shared/aws/metering.ts';

// The AWS binding's handler, called as Lambda would call it with the Task's Parameters.
describe('Step Functions Lambda task handler', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  let handler: ReturnType<typeof makeLambdaTaskHandler>;
  let read: ReturnType<typeof tableReader>;
  beforeAll(async () => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    const tables = await provisionTables(aws, `lambda-${Date.now()}`);
    handler = makeLambdaTaskHandler(createTaskRunner(aws, tables));
    read = tableReader(aws, tables);
    await read.repos.inventory.seedStock({ WIDGET: 5 });
  });
  afterAll(() => aws.destroy());

  const order = {
    orderId: 'lam-1',
    customerId: 'c',
    lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 100 }],
    totalCents: 100,
    paymentToken: paymentToken('ok', 1),
    shippingAddress: address('ok'),
  };

  it('runs the shared task code, and throws TransientError for the Retry to match', async () => {
    expect(await handler({ task: 'reserve', order })).toEqual({ status: 'RESERVED', reservationId: 'res-lam-1' });
    const err = await handler({ task: 'charge', order, retryCount: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).name).toBe('TransientError');
    expect(await handler({ task: 'charge', order, retryCount: 1 })).toMatchObject({ status: 'CHARGED' });
    expect(await read.snapshot('lam-1')).toMatchObject({ reservation: 'RESERVED', payment: 'CHARGED' });
  });

  it('retries a throttle that outlasts the SDK attempts while the invocation has time, then throws InfrastructureError for the Retry', async () => {
    const tables = await provisionTables(aws, `lambda-thr-${Date.now()}`);
    const aimed = (orderId: string) => ({ operation: 'dynamodb.GetItem', match: orderId, times: 3 });
    const faulty = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints }, new Meter(), {
      throttlePct: 0,
      duplicatePct: 0,
      seed: 1,
      throttleCalls: [aimed('lam-thr-1'), aimed('lam-thr-2')],
    });
    try {
      const throttled = makeLambdaTaskHandler(createTaskRunner(faulty, tables));
      expect(await throttled({ task: 'cancelGate', order: { ...order, orderId: 'lam-thr-1' } })).toEqual({ cancelRequested: false });
      // No time left in the invocation: the state machine's retrier takes over, under a name it matches.
      const err = await throttled(
        { task: 'cancelGate', order: { ...order, orderId: 'lam-thr-2' } },
        { getRemainingTimeInMillis: () => 5000 },
      ).catch((e: unknown) => e);
      expect((err as Error).name).toBe('InfrastructureError');
      expect(INFRASTRUCTURE_ERRORS).toContain((err as Error).name);
      expect(faulty.meter.get('dynamodb', 'GetItem')).toMatchObject({ throttles: 6 });
    } finally {
      faulty.destroy();
    }
  });

  it('refuses an unknown task and a malformed order', async () => {
    await expect(handler({ task: 'format-disk' as never, order })).rejects.toThrow(/unknown task/);
    await expect(handler({ task: 'reserve', order: { ...order, lines: [] } })).rejects.toBeInstanceOf(ContractError);
  });
});
