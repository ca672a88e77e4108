/**
 * The simulated bank and carrier. Their behaviour for an order is written into the
 * order itself by the seeded workload (like a payment provider's test card numbers),
 * so every variant, every run and every retry sees the same decision: nothing here
 * reads a clock or a random source.
 *
 *   payment token  card:<ok|declined>:<transient failures before the outcome>
 *   address        addr:<ok|invalid>:<transient failures before the outcome>
 */
export type Verdict = 'OK' | 'TRANSIENT' | 'PERMANENT';

export interface Plan {
  outcome: 'ok' | 'fail';
  transientFailures: number;
}

const PATTERN = {
  card: /^card:(ok|declined):(\d{1,2})$/,
  addr: /^addr:(ok|invalid):(\d{1,2})$/,
} as const;

function parse(kind: keyof typeof PATTERN, value: string): Plan | undefined {
  const m = PATTERN[kind].exec(value);
  if (!m) return undefined;
  return { outcome: m[1] === 'ok' ? 'ok' : 'fail', transientFailures: Number(m[2]) };
}

export const parsePaymentToken = (token: string) => parse('card', token);
export const parseAddress = (address: string) => parse('addr', address);
export const isValidPaymentToken = (token: string) => parsePaymentToken(token) !== undefined;
export const isValidAddress = (address: string) => parseAddress(address) !== undefined;

/** The verdict for one attempt (1-based): transient failures first, then the planned outcome. */
export function verdict(plan: Plan, attempt: number): Verdict {
  if (attempt <= plan.transientFailures) return 'TRANSIENT';
  return plan.outcome === 'ok' ? 'OK' : 'PERMANENT';
}

export function bankVerdict(paymentToken: string, attempt: number): Verdict {
  const plan = parsePaymentToken(paymentToken);
  if (!plan) return 'PERMANENT';
  return verdict(plan, attempt);
}

export function carrierVerdict(address: string, attempt: number): Verdict {
  const plan = parseAddress(address);
  if (!plan) return 'PERMANENT';
  return verdict(plan, attempt);
}

export const paymentToken = (outcome: 'ok' | 'declined', transientFailures = 0) => `card:${outcome}:${transientFailures}`;
export const address = (outcome: 'ok' | 'invalid', transientFailures = 0) => `addr:${outcome}:${transientFailures}`;
