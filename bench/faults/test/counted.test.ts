import { describe, expect, it } from 'vitest';
import type { VariantTarget } from '../../../shared/variant/target.ts';
import { faultChecks } from '../checks.ts';
import { armFault } from '../inject.ts';

// A fault that acts on calls (throttle, duplicate) has fired only if its processes counted one:
// a run that made too few calls says so instead of passing as injected.
describe('faults counted where they happen', () => {
  // Neither fault touches the target: the processes' clients inject them.
  const target = {} as VariantTarget;
  const noStatus = async () => undefined;

  it('a throttle with no call throttled did not fire, and its check fails saying so', async () => {
    const armed = armFault('throttle', target, undefined as never, undefined as never, 1_000);
    armed.countInjected({ duplicatesSent: 5, throttledCalls: 0 });
    const w = await armed.settled(2_000);
    expect(w).toMatchObject({ fired: false, throttledCalls: 0, duplicatesSent: 0, endedAt: 2_000 });
    expect(await faultChecks(w, [], noStatus)).toEqual([{ name: 'fault throttle was injected', ok: false, detail: '0 calls throttled' }]);
  });

  it('a throttle fired once a call was throttled; a duplicate follows its own count only', async () => {
    const throttle = armFault('throttle', target, undefined as never, undefined as never, 1_000);
    throttle.countInjected({ duplicatesSent: 0, throttledCalls: 3 });
    const t = await throttle.settled(2_000);
    expect(t).toMatchObject({ fired: true, throttledCalls: 3 });
    expect((await faultChecks(t, [], noStatus))[0]).toMatchObject({ ok: true, detail: '3 calls throttled' });

    const duplicate = armFault('duplicate', target, undefined as never, undefined as never, 1_000);
    duplicate.countInjected({ duplicatesSent: 0, throttledCalls: 9 });
    expect(await duplicate.settled(2_000)).toMatchObject({ fired: false, duplicatesSent: 0, throttledCalls: 0 });
  });
});
