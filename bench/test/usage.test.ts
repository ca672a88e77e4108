import { describe, expect, it } from 'vitest';
import { mergeUsage, usageOf } from '../cost/usage.ts';
import { estimateCost } from '../cost/model.ts';
import type { LevelRun } from '../run-level.ts';
import type { OperationCount } from '../../shared/aws/metering.ts';

const op = (service: string, operation: string, calls: number): OperationCount => ({
  service,
  operation,
  calls,
  errors: 0,
  throttles: 0,
  requestBytes: 100 * calls,
  responseBytes: 100 * calls,
  billingChunks: calls,
  readCapacityUnits: 0,
  writeCapacityUnits: calls,
  billedCapacityUnits: calls,
  items: 0,
  polling: false,
});
const rec = (id: string, accepted = true) => ({
  id,
  intendedAt: 0,
  submittedAt: 0,
  status: 'COMPLETED',
  ...(accepted ? { acceptedAt: 1 } : {}),
});
const run = (
  variant: LevelRun['variant'],
  extra: Partial<LevelRun['report']> = {},
): Pick<LevelRun, 'variant' | 'report' | 'records' | 'warmupRecords'> => ({
  variant,
  warmupRecords: [rec('w1')],
  records: [rec('a'), rec('b'), rec('refused', false)],
  report: {
    metered: [op('sqs', 'ReceiveMessage', 40), op('dynamodb', 'PutItem', 9)],
    traces: [
      { orderId: 'a', step: 'inventory:reserve', service: 'inventory', start: 0, end: 10 },
      { orderId: 'a', step: 'payments:charge', service: 'payments', start: 10, end: 10 },
    ],
    channels: [],
    dlqs: [],
    binding: 'x',
    processes: 1,
    ...extra,
  },
});

describe('usage the cost model prices', () => {
  it('counts the orders the variant accepted, warmup included, and its measured handler time', () => {
    const u = usageOf(run('choreography'));
    expect(u.orders).toBe(3);
    expect(u.lambda).toEqual({ tracedRuns: 2, durationMsTotal: 11, memoryMb: 256, arch: 'arm64' });
    // Every metered call is kept: the cost model applies the registry's rules, not usageOf.
    expect(u.metered.map((m) => m.service)).toEqual(['sqs', 'dynamodb']);
  });

  it('keeps Step Functions counts for the model, transitions, task attempts and log bytes included', () => {
    const sfn = { type: 'STANDARD' as const, executions: 3, transitions: 36, taskAttempts: 18, logBytes: 3000, durationMsTotal: 900 };
    const u = usageOf(run('stepfunctions', { stepFunctions: sfn }));
    expect(u.stepFunctions).toEqual(sfn);
    // The local callback queue is left off by the model, as the registry says.
    expect(estimateCost(u).breakdown.some((l) => l.service === 'sqs')).toBe(false);
  });

  it('prices Temporal by actions and storage, with no Lambda (its worker is a container)', () => {
    const u = usageOf(run('temporal', { temporal: { actions: 24, workflows: 3, historyBytes: 9000, openMsTotal: 600 } }));
    expect(u.lambda).toBeUndefined();
    expect(u.temporal).toEqual({ actions: 24, workflows: 3, historyBytes: 9000, openMsTotal: 600 });
  });

  it('merges levels by adding every count', () => {
    const sfn = { type: 'STANDARD' as const, executions: 3, transitions: 36, taskAttempts: 18, logBytes: 3000, durationMsTotal: 900 };
    const a = usageOf(run('stepfunctions', { stepFunctions: sfn }));
    const m = mergeUsage([a, a]);
    expect(m.orders).toBe(6);
    expect(m.stepFunctions).toEqual({ ...sfn, executions: 6, transitions: 72, taskAttempts: 36, logBytes: 6000, durationMsTotal: 1800 });
    expect(m.lambda).toMatchObject({ tracedRuns: 4, durationMsTotal: 22 });
    expect(estimateCost(m).perMillionOrdersUsd).toBeCloseTo(estimateCost(a).perMillionOrdersUsd, 9);
  });
});
