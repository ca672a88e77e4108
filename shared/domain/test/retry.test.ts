import { describe, expect, it } from 'vitest';
import { backoffSeconds, mayRetry, RETRY_POLICY } from '../retry.ts';

describe('backoffSeconds', () => {
  it('doubles from the initial interval: 1, 2, 4, 8 before attempts 2..5', () => {
    expect([2, 3, 4, 5].map((n) => backoffSeconds(n))).toEqual([1, 2, 4, 8]);
  });

  it('is capped at maxIntervalSeconds', () => {
    for (const n of [6, 7, 10, 50]) expect(backoffSeconds(n)).toBe(RETRY_POLICY.maxIntervalSeconds);
  });

  it('never drops below the initial interval for attempt numbers before the first retry', () => {
    expect(backoffSeconds(1)).toBe(RETRY_POLICY.initialIntervalSeconds);
    expect(backoffSeconds(0)).toBe(RETRY_POLICY.initialIntervalSeconds);
  });

  it('follows a custom policy', () => {
    const policy = { maxAttempts: 6, initialIntervalSeconds: 3, backoffRate: 3, maxIntervalSeconds: 50 } as const;
    expect([2, 3, 4, 5].map((n) => backoffSeconds(n, policy as unknown as typeof RETRY_POLICY))).toEqual([3, 9, 27, 50]);
  });

  it('is a whole number of seconds (ASL IntervalSeconds)', () => {
    for (let n = 1; n <= 10; n++) expect(Number.isInteger(backoffSeconds(n))).toBe(true);
  });
});

describe('mayRetry', () => {
  it('allows a retry only while attempt < maxAttempts', () => {
    expect(RETRY_POLICY.maxAttempts).toBe(3);
    expect(mayRetry(1)).toBe(true);
    expect(mayRetry(2)).toBe(true);
    expect(mayRetry(3)).toBe(false);
    expect(mayRetry(4)).toBe(false);
  });

  it('attempts in all, the first included, equal maxAttempts', () => {
    let attempt = 1;
    while (mayRetry(attempt)) attempt++;
    expect(attempt).toBe(RETRY_POLICY.maxAttempts);
  });

  it('follows a custom policy', () => {
    const policy = { ...RETRY_POLICY, maxAttempts: 5 } as unknown as typeof RETRY_POLICY;
    expect([1, 2, 3, 4, 5, 6].map((a) => mayRetry(a, policy))).toEqual([true, true, true, true, false, false]);
  });
});
