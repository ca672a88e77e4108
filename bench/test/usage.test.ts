import { describe, expect, it } from 'vitest';
import { usageOf } from '../cost/usage.ts';
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
  it('counts the orders the variant accepted, warmup included, and prices handler time as Lambda', () => {
    const u = usageOf(run('choreography'));
    expect(u.orders).toBe(3);
    expect(u.lambda).toEqual({ invocations: 2, durationMsTotal: 11, memoryMb: 256, arch: 'arm64' });
    expect(u.metered.map((m) => m.service)).toEqual(['sqs', 'dynamodb']);
  });

  it('drops the local callback queue from Step Functions (a Lambda task on AWS) and keeps its transitions', () => {
    const u = usageOf(run('stepfunctions', { stepFunctions: { type: 'STANDARD', executions: 3, transitions: 36, durationMsTotal: 900 } }));
    expect(u.metered.map((m) => m.service)).toEqual(['dynamodb']);
    expect(u.stepFunctions).toMatchObject({ transitions: 36, executions: 3 });
  });

  it('prices Temporal by actions, with no Lambda (its worker is a container)', () => {
    const u = usageOf(run('temporal', { temporal: { actions: 24, workflows: 3 } }));
    expect(u.lambda).toBeUndefined();
    expect(u.temporal).toEqual({ actions: 24 });
  });
});
