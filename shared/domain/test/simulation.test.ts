import { describe, expect, it } from 'vitest';
import {
  address,
  bankVerdict,
  carrierVerdict,
  isValidAddress,
  isValidPaymentToken,
  parseAddress,
  parsePaymentToken,
  paymentToken,
  verdict,
  type Verdict,
} from '../simulation.ts';

const attempts = (f: (attempt: number) => Verdict, n: number): Verdict[] => Array.from({ length: n }, (_, i) => f(i + 1));

describe('verdict sequences per attempt', () => {
  it.each([
    ['card:ok:0', ['OK', 'OK', 'OK']],
    ['card:ok:1', ['TRANSIENT', 'OK', 'OK']],
    ['card:ok:2', ['TRANSIENT', 'TRANSIENT', 'OK', 'OK']],
    ['card:declined:0', ['PERMANENT', 'PERMANENT']],
    ['card:declined:1', ['TRANSIENT', 'PERMANENT', 'PERMANENT']],
    ['card:declined:3', ['TRANSIENT', 'TRANSIENT', 'TRANSIENT', 'PERMANENT']],
    ['card:ok:12', [...Array<Verdict>(12).fill('TRANSIENT'), 'OK']],
  ] as [string, Verdict[]][])('bank %s -> %j', (token, expected) => {
    expect(attempts((a) => bankVerdict(token, a), expected.length)).toEqual(expected);
  });

  it.each([
    ['addr:ok:0', ['OK', 'OK']],
    ['addr:ok:2', ['TRANSIENT', 'TRANSIENT', 'OK']],
    ['addr:invalid:0', ['PERMANENT', 'PERMANENT']],
    ['addr:invalid:2', ['TRANSIENT', 'TRANSIENT', 'PERMANENT']],
  ] as [string, Verdict[]][])('carrier %s -> %j', (addr, expected) => {
    expect(attempts((a) => carrierVerdict(addr, a), expected.length)).toEqual(expected);
  });

  it('is deterministic: the same token and attempt always give the same verdict', () => {
    for (let a = 1; a <= 5; a++) {
      expect(bankVerdict('card:ok:2', a)).toBe(bankVerdict('card:ok:2', a));
      expect(carrierVerdict('addr:invalid:1', a)).toBe(carrierVerdict('addr:invalid:1', a));
    }
  });

  it('verdict() follows the plan: transients for attempts 1..n, then the outcome', () => {
    expect(attempts((a) => verdict({ outcome: 'ok', transientFailures: 2 }, a), 4)).toEqual(['TRANSIENT', 'TRANSIENT', 'OK', 'OK']);
    expect(attempts((a) => verdict({ outcome: 'fail', transientFailures: 1 }, a), 3)).toEqual(['TRANSIENT', 'PERMANENT', 'PERMANENT']);
  });

  it('does not mix up the two simulators: a card token is not an address and vice versa', () => {
    expect(carrierVerdict('card:ok:0', 1)).toBe('PERMANENT');
    expect(bankVerdict('addr:ok:0', 1)).toBe('PERMANENT');
    expect(isValidAddress('card:ok:0')).toBe(false);
    expect(isValidPaymentToken('addr:ok:0')).toBe(false);
  });
});

const MALFORMED_CARDS = [
  '',
  'card',
  'card:ok',
  'card:ok:',
  'card:maybe:0',
  'card:OK:0',
  'card:invalid:0',
  'card:ok:-1',
  'card:ok:1.5',
  'card:ok:100',
  'card:ok:a',
  ' card:ok:0',
  'card:ok:0 ',
  'card:ok:0:1',
  'CARD:ok:0',
  'card:ok:0\n',
  '4242424242424242',
];
const MALFORMED_ADDRESSES = [
  '',
  'addr',
  'addr:ok',
  'addr:ok:',
  'addr:declined:0',
  'addr:INVALID:0',
  'addr:ok:-1',
  'addr:ok:100',
  'addr:ok:x',
  'addr:ok:0 ',
  '1 Main Street',
];

describe('unknown and malformed tokens', () => {
  it.each(MALFORMED_CARDS)('card token %j is invalid and PERMANENT on every attempt', (token) => {
    expect(isValidPaymentToken(token)).toBe(false);
    expect(parsePaymentToken(token)).toBeUndefined();
    expect(attempts((a) => bankVerdict(token, a), 4)).toEqual(['PERMANENT', 'PERMANENT', 'PERMANENT', 'PERMANENT']);
  });

  it.each(MALFORMED_ADDRESSES)('address %j is invalid and PERMANENT on every attempt', (addr) => {
    expect(isValidAddress(addr)).toBe(false);
    expect(parseAddress(addr)).toBeUndefined();
    expect(attempts((a) => carrierVerdict(addr, a), 4)).toEqual(['PERMANENT', 'PERMANENT', 'PERMANENT', 'PERMANENT']);
  });

  it('accepts the well-formed ones', () => {
    for (const t of ['card:ok:0', 'card:declined:0', 'card:ok:9', 'card:declined:99', 'card:ok:07'])
      expect(isValidPaymentToken(t)).toBe(true);
    for (const a of ['addr:ok:0', 'addr:invalid:0', 'addr:ok:99', 'addr:invalid:5']) expect(isValidAddress(a)).toBe(true);
  });
});

describe('builders round-trip through the parsers', () => {
  it('paymentToken(outcome, n) parses back to the same plan for n = 0..99', () => {
    for (const outcome of ['ok', 'declined'] as const) {
      for (let n = 0; n <= 99; n++) {
        const token = paymentToken(outcome, n);
        expect(isValidPaymentToken(token)).toBe(true);
        expect(parsePaymentToken(token)).toEqual({ outcome: outcome === 'ok' ? 'ok' : 'fail', transientFailures: n });
      }
    }
  });

  it('address(outcome, n) parses back to the same plan for n = 0..99', () => {
    for (const outcome of ['ok', 'invalid'] as const) {
      for (let n = 0; n <= 99; n++) {
        const addr = address(outcome, n);
        expect(isValidAddress(addr)).toBe(true);
        expect(parseAddress(addr)).toEqual({ outcome: outcome === 'ok' ? 'ok' : 'fail', transientFailures: n });
      }
    }
  });

  it('builders default to no transient failures and produce the documented text', () => {
    expect(paymentToken('ok')).toBe('card:ok:0');
    expect(paymentToken('declined', 2)).toBe('card:declined:2');
    expect(address('ok')).toBe('addr:ok:0');
    expect(address('invalid', 1)).toBe('addr:invalid:1');
  });

  it('built tokens drive the simulators as planned', () => {
    expect(attempts((a) => bankVerdict(paymentToken('ok', 2), a), 3)).toEqual(['TRANSIENT', 'TRANSIENT', 'OK']);
    expect(attempts((a) => bankVerdict(paymentToken('declined', 1), a), 2)).toEqual(['TRANSIENT', 'PERMANENT']);
    expect(attempts((a) => carrierVerdict(address('invalid'), a), 1)).toEqual(['PERMANENT']);
    expect(attempts((a) => carrierVerdict(address('ok', 1), a), 2)).toEqual(['TRANSIENT', 'OK']);
  });
});
