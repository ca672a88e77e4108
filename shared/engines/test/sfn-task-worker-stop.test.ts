import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateQueueCommand, DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, type AwsClients } from '../../aws/clients.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import { waitForOutput } from './cli-run.ts';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'probes', 'sfn-task-worker.ts');

// The floor's Step Functions worker is stopped at the end of every floor: its stop aborts the
// long poll in flight, and that abort used to print "worker error: SQS receive message failed:
// Request aborted" into the bench's output, a failure that was none.
describe('the probe and floor Step Functions task worker: a stop', () => {
  const substrate = inject('substrate');
  let clients: AwsClients;
  let queueUrl: string;
  beforeAll(async () => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    queueUrl = (await clients.sqs.send(new CreateQueueCommand({ QueueName: `wstop-floor-${Date.now()}` }))).QueueUrl!;
  });
  afterAll(async () => {
    await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    clients.destroy();
  });

  it('with a receive in flight prints no error, and still reports its meter', async () => {
    const child = spawn(process.execPath, [SCRIPT, queueUrl, JSON.stringify(substrate.moto.endpoints)], {
      cwd: PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await waitForOutput(child, /"ready":true/, 30_000);
    // The worker's long polls wait 1 s each: one has ended empty, the next is in flight.
    await sleep(1500);
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { meter: { service: string; operation: string }[] };
    expect(report.meter.some((c) => c.service === 'sqs' && c.operation === 'ReceiveMessage')).toBe(true);
  });
});
