import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CreateStateMachineCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { createPkTable } from '../probes/names.ts';
import { createAwsClients, type AwsClients } from '../../aws/clients.ts';
import { CALLBACK_RESOURCE, waitForExecution } from '../probes/stepfunctions.ts';
import { Meter } from '../../aws/metering.ts';
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

  it('delivers each message to exactly one of several concurrent receivers on one queue', async () => {
    const { QueueUrl } = await base.sqs.send(new CreateQueueCommand({ QueueName: `one-queue-${Date.now()}` }));
    const receivers = Array.from({ length: 6 }, () => createAwsClients(base.target));
    const seen = new Map<string, number>();
    const total = 240;
    let sent = 0;
    let errors = 0;
    try {
      await Promise.all(
        receivers.map(async (c) => {
          while (sent < total || [...seen.values()].reduce((a, b) => a + b, 0) < total) {
            try {
              if (sent < total) {
                sent++;
                await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'm' }));
              }
              const r = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }));
              for (const m of r.Messages ?? []) {
                seen.set(m.MessageId!, (seen.get(m.MessageId!) ?? 0) + 1);
                await c.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle! }));
              }
            } catch {
              errors++;
              if (errors > 20) return;
            }
          }
        }),
      );
    } finally {
      for (const c of receivers) c.destroy();
    }
    expect(errors).toBe(0);
    expect(seen.size).toBe(total);
    expect([...seen.values()].filter((n) => n > 1)).toEqual([]);
  });

  it('completes callback tasks while other executions start concurrently (no half-started execution in token lookups)', async () => {
    const role = 'arn:aws:iam::123456789012:role/sagabench-local';
    const tag = Date.now();
    const { QueueUrl } = await base.sqs.send(new CreateQueueCommand({ QueueName: `tokens-${tag}` }));
    const pass = await base.sfn.send(
      new CreateStateMachineCommand({
        name: `pass-${tag}`,
        roleArn: role,
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      }),
    );
    const token = await base.sfn.send(
      new CreateStateMachineCommand({
        name: `token-${tag}`,
        roleArn: role,
        definition: JSON.stringify({
          StartAt: 'T',
          States: {
            T: {
              Type: 'Task',
              Resource: CALLBACK_RESOURCE,
              Parameters: { QueueUrl, MessageBody: { 'token.$': '$$.Task.Token' } },
              End: true,
            },
          },
        }),
      }),
    );
    const starters = Array.from({ length: 4 }, () => createAwsClients(base.target));
    const worker = createAwsClients(base.target);
    const n = 25;
    let answered = 0;
    let stop = false;
    try {
      const passLoad = Promise.all(
        starters.map(async (c, k) => {
          for (let i = 0; !stop; i++)
            await c.sfn.send(new StartExecutionCommand({ stateMachineArn: pass.stateMachineArn, name: `p-${k}-${i}` }));
        }),
      );
      const arns: string[] = [];
      for (let i = 0; i < n; i++) {
        arns.push(
          (await base.sfn.send(new StartExecutionCommand({ stateMachineArn: token.stateMachineArn, name: `t-${i}` }))).executionArn!,
        );
      }
      while (answered < n) {
        const r = await worker.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of r.Messages ?? []) {
          await worker.sfn.send(new SendTaskSuccessCommand({ taskToken: (JSON.parse(m.Body!) as { token: string }).token, output: '{}' }));
          await worker.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle! }));
          answered++;
        }
      }
      stop = true;
      await passLoad;
      const outcomes = await Promise.all(arns.map((a) => waitForExecution(base, a)));
      expect(outcomes.map((o) => o.status)).toEqual(Array(n).fill('SUCCEEDED'));
      expect(worker.meter.get('sfn', 'SendTaskSuccess')).toMatchObject({ calls: n, errors: 0 });
    } finally {
      stop = true;
      for (const c of [...starters, worker]) c.destroy();
    }
  });

  it('keeps DynamoDB transactions atomic under concurrent writers (no 500, no lost update)', async () => {
    const TableName = `tx-${Date.now()}`;
    await createPkTable(base, TableName);
    const writers = Array.from({ length: 8 }, () => createAwsClients(base.target));
    const perWriter = 25;
    try {
      await base.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'counter' }, n: { N: '0' } } }));
      // A fuller table makes moto's whole-table rollback copy slow enough for the race to show.
      for (let i = 0; i < 400; i += 25) {
        await base.dynamodb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [TableName]: Array.from({ length: 25 }, (_, k) => ({
                PutRequest: { Item: { pk: { S: `fill-${i + k}` }, pad: { S: 'x'.repeat(200) } } },
              })),
            },
          }),
        );
      }
      await Promise.all(
        writers.map(async (c, w) => {
          for (let i = 0; i < perWriter; i++) {
            await c.dynamodb.send(
              new TransactWriteItemsCommand({
                TransactItems: [
                  {
                    Update: {
                      TableName,
                      Key: { pk: { S: 'counter' } },
                      UpdateExpression: 'SET n = n + :one',
                      ExpressionAttributeValues: { ':one': { N: '1' } },
                    },
                  },
                  { Put: { TableName, Item: { pk: { S: `w${w}-${i}` } }, ConditionExpression: 'attribute_not_exists(pk)' } },
                ],
              }),
            );
            await c.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: `plain-${w}-${i}` } } }));
          }
        }),
      );
      const got = await base.dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'counter' } }, ConsistentRead: true }));
      expect(got.Item?.n?.N).toBe(String(writers.length * perWriter));
    } finally {
      for (const c of writers) c.destroy();
    }
  });

  it('rolls a cancelled transaction back item by item: updated, replaced, deleted and created items as they were, other items untouched', async () => {
    const tag = Date.now();
    const flat = `undo-${tag}`;
    const ranged = `undo-r-${tag}`;
    await createPkTable(base, flat);
    await base.dynamodb.send(
      new CreateTableCommand({
        TableName: ranged,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'seq', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'seq', KeyType: 'RANGE' },
        ],
      }),
    );
    const put = (TableName: string, Item: Record<string, AttributeValue>) => base.dynamodb.send(new PutItemCommand({ TableName, Item }));
    await put(flat, { pk: { S: 'counter' }, n: { N: '5' } });
    await put(flat, { pk: { S: 'replaced' }, v: { S: 'old' } });
    await put(flat, { pk: { S: 'deleted' }, v: { S: 'kept' } });
    await put(flat, { pk: { S: 'bystander' }, v: { S: 'b' } });
    await put(ranged, { pk: { S: 'o1' }, seq: { N: '1' }, v: { S: 'first' } });
    const cancelled = base.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: flat,
              Key: { pk: { S: 'counter' } },
              UpdateExpression: 'SET n = n + :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            },
          },
          { Put: { TableName: flat, Item: { pk: { S: 'replaced' }, v: { S: 'new' } } } },
          { Delete: { TableName: flat, Key: { pk: { S: 'deleted' } } } },
          { Put: { TableName: flat, Item: { pk: { S: 'created' } } } },
          { Put: { TableName: ranged, Item: { pk: { S: 'o1' }, seq: { N: '2' }, v: { S: 'second' } } } },
          { Put: { TableName: ranged, Item: { pk: { S: 'o2' }, seq: { N: '1' } } } },
          // The last item fails its condition, after every write above was applied.
          { Put: { TableName: ranged, Item: { pk: { S: 'o1' }, seq: { N: '1' } }, ConditionExpression: 'attribute_not_exists(seq)' } },
        ],
      }),
    );
    await expect(cancelled).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    const all = async (TableName: string) =>
      ((await base.dynamodb.send(new ScanCommand({ TableName, ConsistentRead: true }))).Items ?? [])
        .map((i) => JSON.stringify(Object.fromEntries(Object.entries(i).sort(([a], [b]) => a.localeCompare(b)))))
        .sort();
    expect(await all(flat)).toEqual(
      [
        { n: { N: '5' }, pk: { S: 'counter' } },
        { pk: { S: 'replaced' }, v: { S: 'old' } },
        { pk: { S: 'deleted' }, v: { S: 'kept' } },
        { pk: { S: 'bystander' }, v: { S: 'b' } },
      ]
        .map((i) => JSON.stringify(i))
        .sort(),
    );
    expect(await all(ranged)).toEqual([JSON.stringify({ pk: { S: 'o1' }, seq: { N: '1' }, v: { S: 'first' } })]);
    // A transaction that commits still writes everything, and a query of the ranged table sees it.
    await base.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: ranged, Item: { pk: { S: 'o1' }, seq: { N: '2' } }, ConditionExpression: 'attribute_not_exists(seq)' } },
          { Delete: { TableName: flat, Key: { pk: { S: 'deleted' } } } },
        ],
      }),
    );
    expect(await all(ranged)).toHaveLength(2);
    expect(await all(flat)).toHaveLength(3);
  });

  it('answers a query on the key from its partition: the same items, order and pages as a full listing would give', async () => {
    const TableName = `part-${Date.now()}`;
    await base.dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'seq', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'seq', KeyType: 'RANGE' },
        ],
      }),
    );
    for (const pk of ['a', 'b', 'c'])
      for (const seq of [3, 1, 2, 5, 4])
        await base.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, seq: { N: String(seq) } } }));
    const query = (extra: Record<string, unknown>) =>
      base.dynamodb.send(
        new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'b' } }, ...extra }),
      );
    const seqs = (items: Record<string, AttributeValue>[] | undefined) => (items ?? []).map((i) => `${i.pk!.S}${i.seq!.N}`);
    expect(seqs((await query({})).Items)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    expect(seqs((await query({ ScanIndexForward: false })).Items)).toEqual(['b5', 'b4', 'b3', 'b2', 'b1']);
    const page1 = await query({ Limit: 2 });
    const page2 = await query({ Limit: 2, ExclusiveStartKey: page1.LastEvaluatedKey });
    expect([...seqs(page1.Items), ...seqs(page2.Items)]).toEqual(['b1', 'b2', 'b3', 'b4']);
    const ranged = await base.dynamodb.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND seq < :s',
        ExpressionAttributeValues: { ':pk': { S: 'c' }, ':s': { N: '3' } },
      }),
    );
    expect(seqs(ranged.Items)).toEqual(['c1', 'c2']);
    const none = await base.dynamodb.send(
      new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'zz' } } }),
    );
    expect(none.Items).toEqual([]);
    // A scan still sees every partition.
    expect((await base.dynamodb.send(new ScanCommand({ TableName }))).Items).toHaveLength(15);
  });

  it('does not keep every message published to a topic: 300 publishes of 200 KB leave the messaging process about as big', async () => {
    const sns = substrate.moto.processes.find((p) => p.services.includes('sns'))!;
    const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${sns.pid}/status`, 'utf8'))![1]) / 1024;
    const { TopicArn } = await base.sns.send(new CreateTopicCommand({ Name: `keep-${Date.now()}` }));
    const body = 'x'.repeat(200 * 1024);
    await base.sns.send(new PublishCommand({ TopicArn, Message: body }));
    const before = rssMb();
    for (let i = 0; i < 300; i++) await base.sns.send(new PublishCommand({ TopicArn, Message: body }));
    // Plain moto keeps all 300 (60 MB); the launcher keeps the last few.
    expect(rssMb() - before).toBeLessThan(25);
  });

  it('keeps a connection open across calls, reading each body to its length and no further; a chunked body still closes', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(substrate.moto.endpoints.sfn);
    const call = (body: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; connection?: string; reused: boolean; text: string }>((resolve, reject) => {
        const req = http.request(
          { agent, host: url.hostname, port: url.port, method: 'POST', path: '/_sagabench/sfn/ended?wait=0', headers },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, reused: req.reusedSocket, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      // The ended-executions endpoint never reads its body: the launcher must, or the next request line is lost in it.
      const first = await call('x'.repeat(50_000), { 'content-length': '50000' });
      const second = await call('');
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.connection).not.toBe('close');
      expect(second.reused).toBe(true);
      expect(JSON.parse(second.text)).toHaveProperty('cursor');
      const chunked = await call('abc', { 'transfer-encoding': 'chunked' });
      expect(chunked.connection).toBe('close');
      const after = await call('');
      expect([chunked.status, after.status, after.reused]).toEqual([200, 200, false]);
    } finally {
      agent.destroy();
    }
  });

  it('left no server-side exception in any emulator log', () => {
    for (const p of substrate.moto.processes) {
      const log = fs.readFileSync(p.log, 'utf8');
      expect(log, p.log).not.toMatch(/Traceback|RuntimeError|Exception on /);
    }
  });
});
