import { z } from 'zod';
import { REDELIVERY_SECONDS } from '../../shared/topology/redelivery.ts';

export const FAULTS = ['crash', 'pause', 'duplicate', 'poison', 'throttle'] as const;
export type Fault = (typeof FAULTS)[number];
export const faultSchema = z.enum(FAULTS);

/**
 * How hard each fault hits. Fixed, so runs compare; the pause outlasts the
 * queues' visibility timeout and the activities' start-to-close timeout (both
 * the redelivery setting, 30 s unless set), which is what makes a frozen
 * consumer's messages come back to it.
 */
export const FAULT_SETTINGS = {
  /** kill -9 of one process, restarted after this long. */
  crashRestartMs: 2000,
  pauseMs: (REDELIVERY_SECONDS + 5) * 1000,
  duplicatePct: 10,
  throttlePct: 5,
  /** Each kind of poison put on each work queue. */
  poisonPerQueue: 1,
  /** Injected once this share of the measured orders has been submitted. */
  atProgress: 0.3,
} as const;

export const FAULT_DESCRIPTIONS: Record<Fault, string> = {
  crash: `kill -9 of one service process or worker, restarted after ${FAULT_SETTINGS.crashRestartMs / 1000} s (its work redelivered after ${REDELIVERY_SECONDS} s)`,
  pause: `one service process or worker frozen (SIGSTOP) for ${FAULT_SETTINGS.pauseMs / 1000} s, longer than the visibility and activity timeouts (${REDELIVERY_SECONDS} s)`,
  duplicate: `${FAULT_SETTINGS.duplicatePct} % of SNS publishes and Step Functions task answers (and each process's first) sent twice; Temporal: every order's start sent twice`,
  poison: 'malformed JSON, a schema-invalid event and a 200 KB non-event on every work queue, and malformed orders at the edge',
  throttle: `${FAULT_SETTINGS.throttlePct} % of the variant's AWS calls fail with a retryable throttle`,
};
