import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateQueueCommand, ReceiveMessageCommand, SetQueueAttributesCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { createAwsClients, type AwsClients } from '../clients.ts';
import { Meter } from '../metering.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { faultsFromEnv, FAULTS_ENV, injectedFaults } from '../faults.ts';
import { flushMeterEvery } from '../../runtime/meter-file.ts';
import { readProcessReports } from '../../variant/target.ts';

// Faults injected into real calls to the local engines: a throttle is retried
// by the SDK and counted by the meter; a duplicate really reaches the queue twice.
describe('client fault injection', () => {
  const substrate = inject('substrate');
  const endpoints = substrate.moto.endpoints;
  let plain: AwsClients;
  beforeAll(() => {
    plain = createAwsClients({ kind: 'local', endpoints });
  });
  afterAll(() => plain.destroy());

  it('fails every call at 100 % throttle, after the SDK retried it three times, each attempt metered', async () => {
    const c = createAwsClients({ kind: 'local', endpoints }, new Meter(), { throttlePct: 100, duplicatePct: 0, seed: 1 });
    try {
      const err = await c.sqs.send(new CreateQueueCommand({ QueueName: `flt-${Date.now()}` })).catch((e: Error) => e);
      expect((err as Error).name).toBe('ThrottlingException');
      expect(c.meter.get('sqs', 'CreateQueue')).toMatchObject({ calls: 3, errors: 3, throttles: 3 });
    } finally {
      c.destroy();
    }
  });

  it('throttles about the share asked for, and the SDK retries absorb it', async () => {
    const c = createAwsClients({ kind: 'local', endpoints }, new Meter(), { throttlePct: 30, duplicatePct: 0, seed: 7 });
    try {
      const { QueueUrl } = await plain.sqs.send(new CreateQueueCommand({ QueueName: `flt-share-${Date.now()}` }));
      let failed = 0;
      for (let i = 0; i < 40; i++)
        await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })).catch(() => failed++);
      const m = c.meter.get('sqs', 'GetQueueAttributes')!;
      expect(m.throttles).toBeGreaterThan(6);
      expect(m.throttles).toBeLessThan(36);
      // P(three throttles in a row) = 2.7 %: a few may still fail, most are absorbed.
      expect(failed).toBeLessThan(5);
      expect(m.calls - m.throttles).toBe(40 - failed);
    } finally {
      c.destroy();
    }
  });

  it('throttles at least once within the first 100/pct calls, on every seed: a short fault run always has one', async () => {
    const { QueueUrl } = await plain.sqs.send(new CreateQueueCommand({ QueueName: `flt-first-${Date.now()}` }));
    const none: number[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const c = createAwsClients({ kind: 'local', endpoints }, new Meter(), { throttlePct: 5, duplicatePct: 0, seed });
      try {
        // Up to the twentieth attempt, the first throttle's latest at 5 %; it stops at the first (each costs the SDK's backoff).
        const metered = () => c.meter.get('sqs', 'GetQueueAttributes') ?? { calls: 0, throttles: 0 };
        while (metered().calls < 20 && !metered().throttles)
          await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] })).catch(() => 0);
        if (!metered().throttles) none.push(seed);
      } finally {
        c.destroy();
      }
    }
    expect(none, 'seeds whose twenty calls were never throttled').toEqual([]);
  });

  it('throttles exactly the calls aimed at: the first N of one operation whose input matches, each SDK attempt one of them', async () => {
    const { QueueUrl } = await plain.sqs.send(new CreateQueueCommand({ QueueName: `flt-aim-${Date.now()}` }));
    const other = (await plain.sqs.send(new CreateQueueCommand({ QueueName: `flt-other-${Date.now()}` }))).QueueUrl!;
    const c = createAwsClients({ kind: 'local', endpoints }, new Meter(), {
      throttlePct: 0,
      duplicatePct: 0,
      seed: 1,
      throttleCalls: [{ operation: 'sqs.GetQueueAttributes', match: QueueUrl!, times: 4 }],
    });
    try {
      const get = (url: string) => c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
      await get(other);
      expect((await get(QueueUrl!).catch((e: Error) => e)) as Error).toMatchObject({ name: 'ThrottlingException' });
      await get(QueueUrl!);
      await get(QueueUrl!);
      expect(c.meter.get('sqs', 'GetQueueAttributes')).toMatchObject({ calls: 7, throttles: 4 });
    } finally {
      c.destroy();
    }
  });

  it('publishes a message twice at 100 % duplicates: the subscriber receives both copies', async () => {
    const c = createAwsClients({ kind: 'local', endpoints }, new Meter(), { throttlePct: 0, duplicatePct: 100, seed: 1 });
    try {
      const { TopicArn } = await plain.sns.send(new CreateTopicCommand({ Name: `flt-${Date.now()}` }));
      const { QueueUrl } = await plain.sqs.send(new CreateQueueCommand({ QueueName: `flt-dup-${Date.now()}` }));
      const arn = (await plain.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
      await plain.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl,
          Attributes: {
            Policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: arn }],
            }),
          },
        }),
      );
      await plain.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: arn, Attributes: { RawMessageDelivery: 'true' } }));
      const before = injectedFaults.duplicates;
      await c.sns.send(new PublishCommand({ TopicArn, Message: 'once' }));
      expect(c.meter.get('sns', 'Publish')?.calls).toBe(2);
      // Counted where it was sent, and carried beside the meter file to the harness (a run's `duplicatesSent`).
      expect(injectedFaults.duplicates - before).toBe(1);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dup-count-'));
      flushMeterEvery(path.join(dir, `consumer-${process.pid}.meter.json`), c.meter).close();
      expect(readProcessReports(dir).duplicatesSent).toBe(injectedFaults.duplicates);
      fs.rmSync(dir, { recursive: true });
      const got: string[] = [];
      for (let i = 0; i < 5 && got.length < 2; i++) {
        const r = await plain.sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 30 }),
        );
        got.push(...(r.Messages ?? []).map((m) => m.Body!));
      }
      expect(got).toEqual(['once', 'once']);
      // At a tiny rate the first publish is still duplicated, and only it: a short fault run always injects some.
      const rare = createAwsClients({ kind: 'local', endpoints }, new Meter(), { throttlePct: 0, duplicatePct: 0.01, seed: 1 });
      for (const m of ['1', '2', '3']) await rare.sns.send(new PublishCommand({ TopicArn, Message: m }));
      expect(rare.meter.get('sns', 'Publish')?.calls).toBe(4);
      rare.destroy();
    } finally {
      c.destroy();
    }
  });

  it('reads the faults a harness hands its child processes, and refuses a malformed setting', () => {
    expect(faultsFromEnv({})).toBeUndefined();
    expect(faultsFromEnv({ [FAULTS_ENV]: '{"throttlePct":5}' })).toEqual({ throttlePct: 5, duplicatePct: 0, seed: 1 });
    expect(() => faultsFromEnv({ [FAULTS_ENV]: '{"throttlePct":500}' })).toThrow();
  });
});
