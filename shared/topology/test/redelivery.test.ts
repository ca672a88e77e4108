import { describe, expect, it } from 'vitest';
import { DEFAULT_REDELIVERY_SECONDS, REDELIVERY_ENV, redeliveryProblem, redeliverySeconds } from '../redelivery.ts';

describe('the redelivery setting', () => {
  it('is 30 s unset or empty, and takes whole seconds from 10 to 300', () => {
    expect(redeliverySeconds({})).toBe(DEFAULT_REDELIVERY_SECONDS);
    expect(DEFAULT_REDELIVERY_SECONDS).toBe(30);
    expect(redeliverySeconds({ [REDELIVERY_ENV]: '' })).toBe(30);
    expect(redeliverySeconds({ [REDELIVERY_ENV]: '10' })).toBe(10);
    expect(redeliverySeconds({ [REDELIVERY_ENV]: '300' })).toBe(300);
    for (const bad of ['9', '301', '0', '-10', '12.5', '1e2', 'ten', ' '])
      expect(redeliveryProblem({ [REDELIVERY_ENV]: bad }), bad).toMatch(/expected whole seconds from 10 to 300/);
    expect(() => redeliverySeconds({ [REDELIVERY_ENV]: '5' })).toThrow(
      `${REDELIVERY_ENV}=5: expected whole seconds from 10 to 300 (unset: 30)`,
    );
  });
});
