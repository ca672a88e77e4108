import type { MiddlewareStack, Pluggable } from '@smithy/types';
import { mersenne } from 'pure-rand/generator/mersenne';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { z } from 'zod';

/**
 * Faults a benchmark injects into a variant's own AWS calls. Throttles fail a
 * share of requests before they leave (as a throttled service would answer);
 * duplicates send a share of messages again after they succeeded (as a retry
 * after a lost acknowledgement would): SNS publishes, EventBridge PutEvents and Step
 * Functions task answers, the messages that carry the saga forward.
 */
export const clientFaultsSchema = z
  .object({
    throttlePct: z.number().min(0).max(100).default(0),
    duplicatePct: z.number().min(0).max(100).default(0),
    seed: z.number().int().nonnegative().default(1),
    /**
     * Throttles aimed at one call, for tests that must hit the same spot every run:
     * the first `times` calls of `operation` (e.g. `sfn.SendTaskSuccess`) whose input,
     * as JSON, contains `match` fail; each SDK attempt counts as one call.
     */
    throttleCalls: z
      .array(z.object({ operation: z.string(), match: z.string().default(''), times: z.number().int().positive() }).strict())
      .optional(),
  })
  .strict();
export type ClientFaults = z.infer<typeof clientFaultsSchema>;

/** Child processes learn their faults from this variable, set by the harness that starts them. */
export const FAULTS_ENV = 'SAGABENCH_CLIENT_FAULTS';

export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): ClientFaults | undefined {
  const raw = env[FAULTS_ENV];
  return raw ? clientFaultsSchema.parse(JSON.parse(raw)) : undefined;
}

/**
 * Runs `start` with `faults` in the environment, so the child processes it spawns
 * inherit them, and puts the environment back afterwards: later children start clean.
 */
export async function withFaultsInChildren<T>(faults: Partial<ClientFaults>, start: () => Promise<T>): Promise<T> {
  const before = process.env[FAULTS_ENV];
  process.env[FAULTS_ENV] = JSON.stringify(faults);
  try {
    return await start();
  } finally {
    if (before === undefined) delete process.env[FAULTS_ENV];
    else process.env[FAULTS_ENV] = before;
  }
}

/**
 * Duplicates this process actually sent (and the engine answered), so a fault
 * run can say how many it injected instead of assuming it did. The meter file
 * writer puts the count beside the process's meter (see flushMeterEvery).
 */
export const injectedFaults = { duplicates: 0 };

const DUPLICATED = new Set(['sns.Publish', 'events.PutEvents', 'sfn.SendTaskSuccess', 'sfn.SendTaskFailure']);

export function injectedThrottle(operation: string): Error {
  return Object.assign(new Error(`injected throttle on ${operation}`), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: {},
    $retryable: { throttling: true },
  });
}

/** Whether a client with these faults throttles at all (then it retries as AWS's SDK does). */
export const throttles = (faults: ClientFaults | undefined): boolean =>
  !!faults && (faults.throttlePct > 0 || !!faults.throttleCalls?.length);

export function faultPlugin(faults: ClientFaults, service: string): Pluggable<any, any> {
  const rng = mersenne(faults.seed + service.length * 7919 + process.pid);
  const roll = (pct: number) => pct > 0 && uniformInt(rng, 0, 9999) < pct * 100;
  // The first throttle is certain, at a seeded call among the first 100/pct (one in twenty at 5 %): at
  // random alone, a short fault run whose client makes a hundred calls ends without one in a few runs of a thousand.
  const firstThrottleAt = faults.throttlePct > 0 ? uniformInt(rng, 1, Math.max(1, Math.round(100 / faults.throttlePct))) : 0;
  let calls = 0;
  const aimed = (faults.throttleCalls ?? []).filter((t) => t.operation.startsWith(`${service}.`)).map((t) => ({ ...t, left: t.times }));
  const aimedAt = (operation: string, input: unknown): boolean => {
    const hit = aimed.find((t) => t.left > 0 && t.operation === operation && (!t.match || JSON.stringify(input).includes(t.match)));
    if (hit) hit.left--;
    return !!hit;
  };
  // The first message a client could duplicate always is: a short fault run then never ends without one by chance.
  let duplicatedOnce = false;
  return {
    applyToStack(stack: MiddlewareStack<any, any>) {
      // Inside the SDK's retry loop and inside the meter: a throttle is retried like a real
      // one and counted as the failed attempt it is (same step and priority as the meter,
      // added after it, so it runs within it).
      stack.add(
        (next, context) => async (args) => {
          const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
          calls++;
          if (aimedAt(`${service}.${operation}`, args.input) || calls === firstThrottleAt || roll(faults.throttlePct))
            throw injectedThrottle(`${service}.${operation}`);
          return next(args);
        },
        { step: 'finalizeRequest', name: 'sagabenchThrottles', priority: 'low' },
      );
      // Outside the meter: a duplicate is a second real request, metered as one.
      stack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
          if (DUPLICATED.has(`${service}.${operation}`) && faults.duplicatePct > 0 && (!duplicatedOnce || roll(faults.duplicatePct))) {
            duplicatedOnce = true;
            // Refused by the engine (an already-answered task token) still counts: it was delivered; a lost request was not.
            const reached = await next(args).then(
              () => true,
              (err: { $metadata?: { httpStatusCode?: number } }) => err?.$metadata?.httpStatusCode !== undefined,
            );
            if (reached) injectedFaults.duplicates++;
          }
          return result;
        },
        { step: 'finalizeRequest', name: 'sagabenchDuplicates', priority: 'normal' },
      );
    },
  };
}
