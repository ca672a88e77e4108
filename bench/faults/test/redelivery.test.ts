import { describe, expect, it } from 'vitest';
import { redeliverySeconds } from '../../../shared/topology/redelivery.ts';
import { TASK_TIMEOUT_SECONDS, TASKS_VISIBILITY_TIMEOUT_SECONDS } from '../../../orchestration/stepfunctions/definition.ts';
import { VISIBILITY_TIMEOUT_SECONDS } from '../../../shared/topology/choreography.ts';
import { FAULT_SETTINGS } from '../catalog.ts';

describe('the faults and the redelivery setting', () => {
  it('sets every timeout a stopped consumer waits out, and the pause fault outlasts them', () => {
    // The test process runs with the default: what a run without the setting provisions.
    expect(VISIBILITY_TIMEOUT_SECONDS).toBe(redeliverySeconds());
    expect(TASKS_VISIBILITY_TIMEOUT_SECONDS).toBe(redeliverySeconds());
    expect(TASK_TIMEOUT_SECONDS).toBeGreaterThan(FAULT_SETTINGS.pauseMs / 1000);
    expect(FAULT_SETTINGS.pauseMs).toBeGreaterThan(VISIBILITY_TIMEOUT_SECONDS * 1000);
  });
});
