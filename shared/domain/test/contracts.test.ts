import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  attachmentSchema,
  CONTRACT_VERSION,
  ContractError,
  EVENT_TYPES,
  LIMITS,
  orderDocumentSchema,
  parseEvent,
  parsePlaceOrder,
  parseWith,
  type OrderDocument,
} from '../contracts.ts';
import { orderTotal } from '../order.ts';
import { makeEvent, SAMPLE_PAYLOADS } from './events.ts';

/** Runs `f`, expects a ContractError, and returns it. */
function contractError(f: () => unknown): ContractError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError);
    return err as ContractError;
  }
  throw new Error('expected a ContractError, but the input was accepted');
}

/** The error must name `path` as the path of one of its issues, in the message text too. */
function expectNamesPath(err: ContractError, path: string) {
  expect(
    err.issues.some((i) => i.startsWith(`${path}: `)),
    `issues ${JSON.stringify(err.issues)} should name ${path}`,
  ).toBe(true);
  expect(err.message).toContain(`${path}: `);
}

const VALID = {
  customerId: 'cust-1',
  lines: [
    { sku: 'SKU-1', qty: 2, unitPriceCents: 500 },
    { sku: 'SKU-2', qty: 1, unitPriceCents: 250 },
  ],
  paymentToken: 'card:ok:0',
  shippingAddress: 'addr:ok:0',
};

type Input = Record<string, unknown>;
const withLine = (patch: Record<string, unknown>, index = 0): Input => ({
  ...VALID,
  lines: VALID.lines.map((l, i) => (i === index ? { ...l, ...patch } : l)),
});
const without = (key: string): Input => Object.fromEntries(Object.entries(VALID).filter(([k]) => k !== key));
const manyLines = (n: number) => Array.from({ length: n }, (_, i) => ({ sku: `SKU-${i}`, qty: 1, unitPriceCents: 100 }));

/** [case, input, a field path the error must name, text the message must also contain] */
const BAD_PLACE_ORDERS: [string, unknown, string, string?][] = [
  ['empty lines', { ...VALID, lines: [] }, 'lines', 'at least one line'],
  ['missing lines', without('lines'), 'lines'],
  ['lines not an array', { ...VALID, lines: { sku: 'SKU-1', qty: 1, unitPriceCents: 1 } }, 'lines'],
  ['too many lines', { ...VALID, lines: manyLines(LIMITS.maxLines + 1) }, 'lines'],
  ['qty 0', withLine({ qty: 0 }), 'lines.0.qty', 'at least 1'],
  ['qty negative', withLine({ qty: -3 }), 'lines.0.qty'],
  ['qty fractional', withLine({ qty: 1.5 }), 'lines.0.qty', 'whole number'],
  ['qty over max', withLine({ qty: LIMITS.maxQty + 1 }), 'lines.0.qty'],
  ['qty as a string', withLine({ qty: '2' }), 'lines.0.qty'],
  ['qty NaN', withLine({ qty: Number.NaN }), 'lines.0.qty'],
  ['qty missing', { ...VALID, lines: [{ sku: 'SKU-1', unitPriceCents: 1 }] }, 'lines.0.qty'],
  ['bad qty on the second line', withLine({ qty: 0 }, 1), 'lines.1.qty'],
  ['unitPriceCents fractional', withLine({ unitPriceCents: 9.99 }), 'lines.0.unitPriceCents', 'whole cents'],
  ['unitPriceCents negative', withLine({ unitPriceCents: -1 }), 'lines.0.unitPriceCents'],
  ['unitPriceCents over max', withLine({ unitPriceCents: LIMITS.maxUnitPriceCents + 1 }), 'lines.0.unitPriceCents'],
  ['unitPriceCents Infinity', withLine({ unitPriceCents: Number.POSITIVE_INFINITY }), 'lines.0.unitPriceCents'],
  ['unitPriceCents as a string', withLine({ unitPriceCents: '500' }), 'lines.0.unitPriceCents'],
  ['duplicate SKU', withLine({ sku: 'SKU-1' }, 1), 'lines', 'one line only'],
  ['lower-case sku', withLine({ sku: 'sku-1' }), 'lines.0.sku', 'upper-case'],
  ['empty sku', withLine({ sku: '' }), 'lines.0.sku'],
  ['sku with a space', withLine({ sku: 'SKU 1' }), 'lines.0.sku'],
  ['sku too long', withLine({ sku: 'A'.repeat(33) }), 'lines.0.sku'],
  ['unknown key on a line', withLine({ colour: 'red' }), 'lines.0', 'colour'],
  ['bad payment token', { ...VALID, paymentToken: 'card:maybe:0' }, 'paymentToken', 'card:<ok|declined>:<n>'],
  ['payment token with too many transient failures', { ...VALID, paymentToken: 'card:ok:100' }, 'paymentToken'],
  ['missing payment token', without('paymentToken'), 'paymentToken'],
  ['payment token not a string', { ...VALID, paymentToken: 4242 }, 'paymentToken'],
  ['bad address', { ...VALID, shippingAddress: '1 Main Street' }, 'shippingAddress', 'addr:<ok|invalid>:<n>'],
  ['card token as the address', { ...VALID, shippingAddress: 'card:ok:0' }, 'shippingAddress'],
  ['missing address', without('shippingAddress'), 'shippingAddress'],
  ['unknown extra key', { ...VALID, discountCode: 'FREE' }, '(root)', 'discountCode'],
  ['missing customerId', without('customerId'), 'customerId'],
  ['empty customerId', { ...VALID, customerId: '' }, 'customerId'],
  ['customerId with spaces', { ...VALID, customerId: 'cust 1' }, 'customerId'],
  ['customerId too long', { ...VALID, customerId: 'c'.repeat(LIMITS.maxIdLength + 1) }, 'customerId'],
  ['customerId a number', { ...VALID, customerId: 42 }, 'customerId'],
  ['orderId with spaces', { ...VALID, orderId: 'ord 1' }, 'orderId', 'letters, digits'],
  ['orderId empty', { ...VALID, orderId: '' }, 'orderId'],
  ['orderId with a slash', { ...VALID, orderId: 'ord/1' }, 'orderId'],
  ['notes too long', { ...VALID, notes: 'x'.repeat(350_001) }, 'notes'],
  ['notes not a string', { ...VALID, notes: ['a'] }, 'notes'],
  ['null', null, '(root)'],
  ['an array', [VALID], '(root)'],
  ['a string', JSON.stringify(VALID), '(root)'],
];

describe('parsePlaceOrder rejects bad input, naming the field', () => {
  it('has a wide table', () => {
    expect(BAD_PLACE_ORDERS.length).toBeGreaterThanOrEqual(25);
  });

  it.each(BAD_PLACE_ORDERS)('%s', (_name, input, path, text) => {
    const err = contractError(() => parsePlaceOrder(input));
    expect(err.name).toBe('ContractError');
    expect(err.what).toBe('PlaceOrder');
    expect(err.message).toMatch(/^invalid PlaceOrder: /);
    expectNamesPath(err, path);
    if (text) expect(err.message).toContain(text);
  });

  it('names every offending field when several are wrong', () => {
    const err = contractError(() =>
      parsePlaceOrder({
        ...VALID,
        customerId: 'has space',
        lines: [
          { sku: 'ok-lower', qty: 0, unitPriceCents: 1.5 },
          { sku: 'SKU-2', qty: 1001, unitPriceCents: 1 },
        ],
        paymentToken: 'nope',
        shippingAddress: 'nope',
      }),
    );
    for (const p of [
      'customerId',
      'lines.0.sku',
      'lines.0.qty',
      'lines.0.unitPriceCents',
      'lines.1.qty',
      'paymentToken',
      'shippingAddress',
    ]) {
      expectNamesPath(err, p);
    }
  });
});

describe('parsePlaceOrder accepts valid orders', () => {
  it.each<[string, Input]>([
    ['minimal', VALID],
    ['with an orderId', { ...VALID, orderId: 'ord-2024.01_a:b' }],
    ['with notes', { ...VALID, notes: 'leave at the door' }],
    ['notes at the limit', { ...VALID, notes: 'x'.repeat(350_000) }],
    ['free items', withLine({ unitPriceCents: 0 })],
    ['limits exactly', { ...VALID, lines: [{ sku: 'MAX', qty: LIMITS.maxQty, unitPriceCents: LIMITS.maxUnitPriceCents }] }],
    ['max lines', { ...VALID, lines: manyLines(LIMITS.maxLines) }],
    ['failing plans are still valid input', { ...VALID, paymentToken: 'card:declined:2', shippingAddress: 'addr:invalid:1' }],
    ['id at the max length', { ...VALID, customerId: 'c'.repeat(LIMITS.maxIdLength) }],
  ])('%s', (_name, input) => {
    expect(parsePlaceOrder(input)).toEqual(input);
  });
});

const validEvent = (type: (typeof EVENT_TYPES)[number]) => ({
  messageId: randomUUID(),
  version: CONTRACT_VERSION,
  type,
  orderId: 'ord-1',
  correlationId: 'ord-1',
  causationId: randomUUID(),
  occurredAt: new Date().toISOString(),
  producer: 'orders',
  payload: SAMPLE_PAYLOADS[type],
});

const DOC: OrderDocument = {
  orderId: 'ord-1',
  customerId: 'cust-1',
  lines: VALID.lines,
  totalCents: orderTotal(VALID.lines),
  paymentToken: 'card:ok:0',
  shippingAddress: 'addr:ok:0',
};

describe('parseEvent', () => {
  it('has a sample for exactly the types in EVENT_TYPES', () => {
    expect(Object.keys(SAMPLE_PAYLOADS).sort()).toEqual([...EVENT_TYPES].sort());
    expect(EVENT_TYPES.length).toBeGreaterThanOrEqual(15);
  });

  it.each(EVENT_TYPES)('accepts a well-formed %s, as JSON text and as an object', (type) => {
    const event = validEvent(type);
    expect(parseEvent(JSON.stringify(event))).toEqual(event);
    expect(parseEvent(event)).toEqual(event);
    const built = makeEvent(type);
    expect(parseEvent(JSON.stringify(built))).toEqual(built);
  });

  it.each(EVENT_TYPES)('rejects %s with an unknown payload key', (type) => {
    const err = contractError(() => parseEvent({ ...validEvent(type), payload: { ...SAMPLE_PAYLOADS[type], sneaky: 1 } }));
    expectNamesPath(err, 'payload');
    expect(err.message).toContain('sneaky');
  });

  it('accepts an inline or claim-checked order attachment', () => {
    expect(parseEvent({ ...validEvent('OrderPlaced'), order: { inline: DOC } }).order).toEqual({ inline: DOC });
    const claim = { claimCheck: { key: 'orders/ord-1.json', bytes: 9000 } };
    // '/' is not allowed in a key: keys are ids.
    expectNamesPath(
      contractError(() => parseEvent({ ...validEvent('OrderPlaced'), order: claim })),
      'order.claimCheck.key',
    );
    const ok = { claimCheck: { key: 'orders.ord-1', bytes: 9000 } };
    expect(parseEvent({ ...validEvent('OrderPlaced'), order: ok }).order).toEqual(ok);
  });

  it.each([
    ['{', 'broken'],
    ['', 'empty'],
    ['OrderPlaced', 'a bare word'],
    ["{'type':'OrderPlaced'}", 'single quotes'],
  ])('rejects non-JSON %j (%s) with "not JSON"', (raw) => {
    const err = contractError(() => parseEvent(raw));
    expect(err.message).toContain('not JSON');
    expect(err.what).toBe('event');
  });

  it('rejects JSON that is not an object', () => {
    for (const raw of ['null', '42', '"OrderPlaced"', '[]']) contractError(() => parseEvent(raw));
  });

  it.each(['OrderShipped', 'orderPlaced', '', 42, null])('rejects unknown type %j', (type) => {
    const err = contractError(() => parseEvent(JSON.stringify({ ...validEvent('OrderPlaced'), type })));
    expectNamesPath(err, 'type');
  });

  it.each([2, 0, '1', null])('rejects version %j', (version) => {
    expectNamesPath(
      contractError(() => parseEvent({ ...validEvent('OrderPlaced'), version })),
      'version',
    );
  });

  it.each(['messageId', 'version', 'orderId', 'correlationId', 'causationId', 'occurredAt', 'producer', 'payload'])(
    'rejects an event missing %s',
    (field) => {
      const event: Record<string, unknown> = validEvent('PaymentCharged');
      delete event[field];
      expectNamesPath(
        contractError(() => parseEvent(JSON.stringify(event))),
        field,
      );
    },
  );

  it('rejects a missing type', () => {
    const { type: _t, ...event } = validEvent('PaymentCharged');
    expectNamesPath(
      contractError(() => parseEvent(event)),
      'type',
    );
  });

  it('rejects an unknown envelope key', () => {
    const err = contractError(() => parseEvent({ ...validEvent('OrderCompleted'), priority: 'high' }));
    expect(err.message).toContain('priority');
  });

  it('rejects extra payload keys', () => {
    const err = contractError(() => parseEvent({ ...validEvent('OrderCompleted'), payload: { reason: 'x' } }));
    expectNamesPath(err, 'payload');
    expect(err.message).toContain('reason');
  });

  it.each(['not-a-uuid', '', '12345678-1234-1234-1234-1234567890', 'ZZZZZZZZ-ZZZZ-4ZZZ-8ZZZ-ZZZZZZZZZZZZ'])(
    'rejects messageId %j',
    (messageId) => {
      expectNamesPath(
        contractError(() => parseEvent({ ...validEvent('OrderPlaced'), messageId })),
        'messageId',
      );
    },
  );

  it.each(['yesterday', '2024-01-01', '2024-13-01T00:00:00Z', '2024-01-01 10:00:00', '', 1700000000000])(
    'rejects occurredAt %j',
    (occurredAt) => {
      expectNamesPath(
        contractError(() => parseEvent({ ...validEvent('OrderPlaced'), occurredAt })),
        'occurredAt',
      );
    },
  );

  it('rejects an unknown producer', () => {
    expectNamesPath(
      contractError(() => parseEvent({ ...validEvent('OrderPlaced'), producer: 'bank' })),
      'producer',
    );
  });

  it('rejects a bad orderId', () => {
    expectNamesPath(
      contractError(() => parseEvent({ ...validEvent('OrderPlaced'), orderId: 'ord 1' })),
      'orderId',
    );
  });

  it('checks payloads per type', () => {
    expectNamesPath(
      contractError(() => parseEvent({ ...validEvent('InventoryRejected'), payload: { missingSkus: [] } })),
      'payload.missingSkus',
    );
    expectNamesPath(
      contractError(() => parseEvent({ ...validEvent('InventoryRejected'), payload: { missingSkus: ['sku-1'] } })),
      'payload.missingSkus.0',
    );
    expectNamesPath(
      contractError(() => parseEvent({ ...validEvent('ShipmentFailed'), payload: { reason: 'LOST' } })),
      'payload.reason',
    );
    expectNamesPath(
      contractError(() => parseEvent({ ...validEvent('PaymentCharged'), payload: { paymentId: 'p', amountCents: 1.5 } })),
      'payload.amountCents',
    );
    expectNamesPath(
      contractError(() => parseEvent({ ...validEvent('OrderPlaced'), payload: { totalCents: 1 } })),
      'payload.lineCount',
    );
    // A payload that fits another type does not pass as this one.
    expectNamesPath(
      contractError(() => parseEvent({ ...validEvent('PaymentDeclined'), payload: SAMPLE_PAYLOADS.PaymentCharged })),
      'payload',
    );
    // A refund with nothing charged has a null paymentId.
    expect(parseEvent({ ...validEvent('PaymentRefunded'), payload: { paymentId: null, amountCents: 0 } }).type).toBe('PaymentRefunded');
  });
});

describe('orderDocumentSchema', () => {
  const parseDoc = (d: unknown) => parseWith(orderDocumentSchema, 'order document', d);

  it('accepts a consistent document', () => {
    expect(parseDoc(DOC)).toEqual(DOC);
  });

  it.each([DOC.totalCents + 1, DOC.totalCents - 1, 0])('rejects totalCents %d when the lines sum to 1250', (totalCents) => {
    const err = contractError(() => parseDoc({ ...DOC, totalCents }));
    expectNamesPath(err, 'totalCents');
    expect(err.message).toContain('sum of qty x unitPriceCents');
  });

  it('rejects a duplicate SKU', () => {
    const lines = [VALID.lines[0]!, { ...VALID.lines[0]! }];
    expectNamesPath(
      contractError(() => parseDoc({ ...DOC, lines, totalCents: orderTotal(lines) })),
      'lines',
    );
  });

  it('rejects a document without an orderId', () => {
    const { orderId: _o, ...doc } = DOC;
    expectNamesPath(
      contractError(() => parseDoc(doc)),
      'orderId',
    );
  });
});

describe('attachmentSchema', () => {
  const claimCheck = { key: 'claims.ord-1', bytes: 20_000 };

  it('accepts an inline document', () => {
    expect(attachmentSchema.safeParse({ inline: DOC }).success).toBe(true);
  });

  it('accepts a claim check', () => {
    expect(attachmentSchema.safeParse({ claimCheck }).success).toBe(true);
  });

  it('rejects both at once', () => {
    expect(attachmentSchema.safeParse({ inline: DOC, claimCheck }).success).toBe(false);
  });

  it('rejects neither', () => {
    expect(attachmentSchema.safeParse({}).success).toBe(false);
    expect(attachmentSchema.safeParse(null).success).toBe(false);
  });

  it('rejects an inline document that is itself invalid', () => {
    expect(attachmentSchema.safeParse({ inline: { ...DOC, totalCents: 1 } }).success).toBe(false);
  });

  it('rejects a claim check without a positive whole byte count or with extra keys', () => {
    for (const bad of [
      { key: 'k', bytes: 0 },
      { key: 'k', bytes: 1.5 },
      { key: 'k' },
      { key: '', bytes: 1 },
      { key: 'k', bytes: 1, bucket: 'b' },
    ]) {
      expect(attachmentSchema.safeParse({ claimCheck: bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
