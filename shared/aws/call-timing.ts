import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareStack, Pluggable } from '@smithy/types';

/** Milliseconds spent waiting on AWS calls, by service, while one traced step ran. */
export type CallTimes = Record<string, number>;

const current = new AsyncLocalStorage<CallTimes>();

/**
 * Runs `fn` and returns how long its AWS calls took, by service, so a step's time
 * can be split into its DynamoDB writes, its publish and its own compute. Only the
 * calls made inside `fn` (and what it awaits) count: the store travels with the
 * async context, so concurrent steps in one process do not mix.
 */
export async function timeCalls<T>(fn: () => Promise<T>): Promise<{ result: T; io: CallTimes }> {
  const io: CallTimes = {};
  const result = await current.run(io, fn);
  return { result, io };
}

/** Adds each call's wall time (all SDK attempts, outermost) to the step that made it, if any. */
export function callTimingPlugin(service: string): Pluggable<any, any> {
  return {
    applyToStack(stack: MiddlewareStack<any, any>) {
      stack.add(
        (next) => async (args) => {
          const io = current.getStore();
          if (!io) return next(args);
          const t0 = performance.now();
          try {
            return await next(args);
          } finally {
            io[service] = (io[service] ?? 0) + (performance.now() - t0);
          }
        },
        { step: 'initialize', name: 'sagabenchCallTiming', priority: 'high' },
      );
    },
  };
}

/** Whole milliseconds, for a trace line. */
export const roundTimes = (io: CallTimes): CallTimes =>
  Object.fromEntries(Object.entries(io).map(([k, v]) => [k, Math.round(v * 10) / 10]));
