/**
 * How long work that a consumer took stays that consumer's before the engine hands it out again: the
 * visibility timeout of the SQS work queues (the choreographies' and Step Functions' task queue) and a
 * Temporal activity's start-to-close timeout. It is what a crashed or frozen consumer's work waits
 * out before another consumer (or the same one, back) gets it; Step Functions' task timeout and the
 * pause fault are set from it, so they keep outlasting it.
 *
 * 30 s unless `SAGABENCH_REDELIVERY_SECONDS` says otherwise, for every command and every process it
 * starts (they inherit the environment), and for what `deploy` provisions. The test suite's fault matrix
 * sets 10 (bench/test/fault-matrix.ts): the same redeliveries, on the real engines, after 10 s instead of
 * 30. At least 10: a consumer keeps retrying a throttled call until 5 s before its work would be handed
 * out again, and needs time left to do so.
 */
import { DEFAULT_REDELIVERY_SECONDS } from '../domain/retry.ts';

export { DEFAULT_REDELIVERY_SECONDS };
export const REDELIVERY_ENV = 'SAGABENCH_REDELIVERY_SECONDS';
export const MIN_REDELIVERY_SECONDS = 10;
/** Step Functions' task timeout is twice this, and stays well inside a run. */
export const MAX_REDELIVERY_SECONDS = 300;

/** What is wrong with the setting in `env`, or undefined when it is absent or valid. */
export function redeliveryProblem(env: Record<string, string | undefined> = process.env): string | undefined {
  const raw = env[REDELIVERY_ENV];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < MIN_REDELIVERY_SECONDS || n > MAX_REDELIVERY_SECONDS)
    return `${REDELIVERY_ENV}=${raw}: expected whole seconds from ${MIN_REDELIVERY_SECONDS} to ${MAX_REDELIVERY_SECONDS} (unset: ${DEFAULT_REDELIVERY_SECONDS})`;
  return undefined;
}

/** The setting in `env`; throws the problem when it is not valid (the CLI refuses it before this is read). */
export function redeliverySeconds(env: Record<string, string | undefined> = process.env): number {
  const problem = redeliveryProblem(env);
  if (problem) throw new Error(problem);
  const raw = env[REDELIVERY_ENV];
  return raw === undefined || raw === '' ? DEFAULT_REDELIVERY_SECONDS : Number(raw);
}

/** This process's setting, read once when the topology loads. */
export const REDELIVERY_SECONDS = redeliverySeconds();
