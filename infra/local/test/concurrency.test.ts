import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { Meter } from '../../../shared/aws/metering.ts';
import { probeCeilings } from '../probes/throughput.ts';

describe('concurrency smoke', () => {
  const substrate = inject('substrate');
  let base: AwsClients;
  beforeAll(() => {
    base = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => base.destroy());

  it('serves hundreds of concurrent SQS, SNS, Step Functions and DynamoDB calls from several clients without an error', async () => {
    const meter = new Meter();
    const ops = 100;
    const ceilings = await probeCeilings(base, 8, ops, meter);
    for (const c of ceilings) expect(c.errors, `${c.operation}: ${c.firstError}`).toBe(0);
    expect(ceilings.map((c) => c.operation)).toContain('mixed: all four interleaved');
    // Each primitive ran `ops` times alone and a quarter of `ops` in the mixed run.
    const each = ops + ops / 4;
    expect(meter.get('sns', 'Publish')?.calls).toBe(each);
    expect(meter.get('sfn', 'StartExecution')?.calls).toBe(each);
    expect(meter.get('dynamodb', 'PutItem')?.calls).toBe(each);
    expect(meter.get('sqs', 'SendMessage')?.calls).toBe(each);
    expect(meter.get('sqs', 'ReceiveMessage')?.calls).toBe(each);
    expect(meter.snapshot().every((m) => m.errors === 0)).toBe(true);
  });

  it('left no server-side exception in any emulator log', () => {
    for (const p of substrate.moto.processes) {
      const log = fs.readFileSync(p.log, 'utf8');
      expect(log, p.log).not.toMatch(/Traceback|RuntimeError|Exception on /);
    }
  });
});
