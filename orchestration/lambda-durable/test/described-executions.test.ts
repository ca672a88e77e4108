import type { GetDurableExecutionCommandOutput } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { DESCRIBE_EVERY_MS, DESCRIBE_PER_SECOND, watchDescribedExecutions } from '../harness/described-executions.ts';

// The pacing of the AWS drive's GetDurableExecution calls. No local engine serves that API (moto has
// none), so `describe` below stands in for exactly one thing: Lambda's GetDurableExecution answering
// RUNNING twice, then SUCCEEDED with the saga's result and an end timestamp, and failing once (a
// throttle) for one execution. It checks the watcher's schedule, not Lambda.
describe('lambda-durable on AWS: ends by paced GetDurableExecution', () => {
  it('asks at most DESCRIBE_PER_SECOND a second in all and each execution once a second, hands each end over once, retries a failed call', async () => {
    const ids = ['o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6', 'o-7', 'o-8', 'o-9', 'o-10'];
    const calls: Array<{ arn: string; at: number }> = [];
    const asked = new Map<string, number>();
    const ended = new Map<string, { status: string | undefined; terminalAt: number }>();
    const endedAt = new Date('2026-12-01T04:00:00.000Z');
    let throttled = false;
    const watcher = watchDescribedExecutions({
      describe: async (arn): Promise<GetDurableExecutionCommandOutput> => {
        calls.push({ arn, at: Date.now() });
        if (arn === 'arn:o-3' && !throttled) {
          throttled = true;
          throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
        }
        const n = (asked.get(arn) ?? 0) + 1;
        asked.set(arn, n);
        const base = {
          $metadata: {},
          DurableExecutionArn: arn,
          DurableExecutionName: arn.slice(4),
          FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:p-saga-durable:live',
          StartTimestamp: new Date('2026-12-01T03:59:58.000Z'),
        };
        return n < 3
          ? { ...base, Status: 'RUNNING' }
          : { ...base, Status: 'SUCCEEDED', EndTimestamp: endedAt, Result: JSON.stringify({ orderId: arn, status: 'COMPLETED' }) };
      },
      awaited: () => ids.filter((id) => !ended.has(id)),
      // o-10's start has not answered yet: it has no ARN, so it is not asked about.
      arnOf: (id) => (id === 'o-10' ? undefined : `arn:${id}`),
      onEnded: (id, end) => {
        expect(ended.has(id), `${id} handed over twice`).toBe(false);
        ended.set(id, end);
      },
    });
    const deadline = Date.now() + 15_000;
    while (ended.size < 9 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await watcher.stop();

    expect([...ended.keys()].sort()).toEqual(ids.slice(0, 9).sort());
    for (const e of ended.values()) expect(e).toEqual({ status: 'COMPLETED', terminalAt: endedAt.getTime() });
    expect(calls.some((c) => c.arn === 'arn:o-10')).toBe(false);
    // Three answers each (RUNNING, RUNNING, SUCCEEDED), and one more for the throttled call.
    expect(calls.length).toBe(9 * 3 + 1);
    // Timers may fire a millisecond or two early; the schedule is what is checked.
    const slack = 5;
    for (let i = DESCRIBE_PER_SECOND; i < calls.length; i++)
      expect(calls[i]!.at - calls[i - DESCRIBE_PER_SECOND]!.at).toBeGreaterThanOrEqual(1000 - slack);
    for (const arn of new Set(calls.map((c) => c.arn))) {
      const times = calls.filter((c) => c.arn === arn).map((c) => c.at);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(DESCRIBE_EVERY_MS - slack);
    }
  });
});
