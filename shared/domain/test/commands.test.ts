import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COMMAND_TYPES, CONTRACT_VERSION, ContractError, parseCommand, type CommandType } from '../contracts.ts';

const SAMPLE: Record<CommandType, Record<string, unknown>> = {
  PlaceOrder: {
    order: {
      customerId: 'c-1',
      lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 100 }],
      paymentToken: 'card:ok:0',
      shippingAddress: 'addr:ok:0',
    },
  },
  CancelOrder: { reason: 'changed my mind' },
  ReserveInventory: {},
  ReleaseInventory: {},
  CommitInventory: {},
  ChargePayment: { attempt: 1 },
  RefundPayment: {},
  CreateShipment: { attempt: 2 },
  BlockShipment: {},
  NotifyCustomer: { template: 'order-shipped' },
};

const command = (type: CommandType, patch: Record<string, unknown> = {}) => ({
  messageId: randomUUID(),
  version: CONTRACT_VERSION,
  type,
  orderId: 'ord-1',
  correlationId: 'ord-1',
  causationId: 'ord-1',
  occurredAt: new Date().toISOString(),
  producer: 'orchestrator',
  payload: SAMPLE[type],
  ...patch,
});

function rejection(input: unknown): ContractError {
  try {
    parseCommand(input);
  } catch (err) {
    if (err instanceof ContractError) return err;
    throw err;
  }
  throw new Error('accepted a bad command');
}

describe('command contracts', () => {
  it.each(COMMAND_TYPES)('accepts a well-formed %s, as text and as a value', (type) => {
    const c = command(type);
    expect(parseCommand(c).type).toBe(type);
    expect(parseCommand(JSON.stringify(c))).toEqual(parseCommand(c));
  });

  it.each([
    ['not JSON', '{"type":', /not JSON/],
    ['an unknown type', command('ReserveInventory', { type: 'DeleteEverything' }), /type/],
    ['a missing attempt', command('ChargePayment', { payload: {} }), /payload\.attempt/],
    ['attempt 0', command('CreateShipment', { payload: { attempt: 0 } }), /payload\.attempt/],
    ['a fractional attempt', command('ChargePayment', { payload: { attempt: 1.5 } }), /payload\.attempt/],
    ['an extra payload key', command('RefundPayment', { payload: { amountCents: 5 } }), /payload/],
    ['a missing correlationId', { ...command('ReleaseInventory'), correlationId: undefined }, /correlationId/],
    ['a bad messageId', command('BlockShipment', { messageId: 'nope' }), /messageId/],
    ['another version', command('CommitInventory', { version: 2 }), /version/],
    [
      'an order with no lines',
      command('PlaceOrder', { payload: { order: { ...(SAMPLE.PlaceOrder.order as object), lines: [] } } }),
      /payload\.order\.lines/,
    ],
    ['an empty template', command('NotifyCustomer', { payload: { template: '' } }), /payload\.template/],
  ])('rejects %s with a message naming the field', (_what, input, field) => {
    const err = rejection(input);
    expect(err.message).toMatch(/^invalid command: /);
    expect(err.message).toMatch(field);
  });
});
