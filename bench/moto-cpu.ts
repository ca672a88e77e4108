/**
 * moto's CPU per request for a fixed request mix: the calls one choreography order and one Step
 * Functions order make (the per-order counts the meter gives a 24-client run of each), sent
 * `--orders` times to three moto processes (the split layout) that this script starts from
 * `--launcher` and stops. Reads each process's CPU from /proc and its request count from its
 * request log, so two launchers compare on the same mix:
 *
 *   npx node bench/moto-cpu.ts --launcher shared/engines/moto_server.py --port 5905 --orders 40
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateStateMachineCommand, DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createAwsClients, LOCAL_ACCOUNT, type AwsClients } from '../shared/aws/clients.ts';
import { venvBin } from '../shared/paths.ts';
import { PINNED } from '../shared/engines/versions.ts';
import { motoUrl } from '../shared/engines/moto.ts';
import { buildSagaDefinition } from '../orchestration/stepfunctions/definition.ts';

const { values } = parseArgs({
  options: {
    launcher: { type: 'string' },
    port: { type: 'string', default: '5905' },
    orders: { type: 'string', default: '40' },
    clients: { type: 'string', default: '4' },
  },
});
if (!values.launcher || !fs.existsSync(values.launcher)) throw new Error('--launcher <moto_server.py> is required and must exist');
const base = Number(values.port);
const orders = Number(values.orders);
const clientsN = Number(values.clients);
if (![base, orders, clientsN].every((n) => Number.isInteger(n) && n > 0))
  throw new Error('--port, --orders and --clients take positive integers');

const names = ['messaging', 'stepfunctions', 'dynamodb'] as const;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'moto-cpu-'));
const procs: ChildProcess[] = names.map((name, i) =>
  spawn(venvBin('python'), [values.launcher!, `--expect-moto=${PINNED.moto}`, '-H', '127.0.0.1', '-p', String(base + i)], {
    env: { ...process.env, MOTO_PORT: String(base) },
    stdio: ['ignore', fs.openSync(path.join(logDir, `${name}.log`), 'a'), fs.openSync(path.join(logDir, `${name}.log`), 'a')],
  }),
);

/** utime + stime in clock ticks (100 a second on Linux) and requests answered, per process. */
function sample(): { ticks: number; requests: number }[] {
  return procs.map((p, i) => {
    const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const log = fs.readFileSync(path.join(logDir, `${names[i]}.log`), 'utf8');
    return { ticks: Number(stat[11]) + Number(stat[12]), requests: log.split('\n').filter((l) => / HTTP\/1\.1.*" \d{3} /.test(l)).length };
  });
}

async function ready(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${motoUrl(port)}/moto-api/config`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error(`moto on ${port} did not answer`);
}

const s = (v: string) => ({ S: v });

async function setup(c: AwsClients) {
  const table = async (TableName: string, range: boolean) =>
    c.dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          ...(range ? [{ AttributeName: 'sk', AttributeType: 'S' as const }] : []),
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(range ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
      }),
    );
  await table('events', true);
  await table('state', false);
  const topic = (await c.sns.send(new CreateTopicCommand({ Name: 'order-events' }))).TopicArn!;
  const consumers: string[] = [];
  for (let i = 0; i < 6; i++) {
    const url = (await c.sqs.send(new CreateQueueCommand({ QueueName: `consumer-${i}` }))).QueueUrl!;
    consumers.push(url);
    await c.sns.send(
      new SubscribeCommand({
        TopicArn: topic,
        Protocol: 'sqs',
        Endpoint: `arn:aws:sqs:us-east-1:${LOCAL_ACCOUNT}:consumer-${i}`,
        Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ type: [`event-${i}`] }) },
      }),
    );
  }
  const tasks = (await c.sqs.send(new CreateQueueCommand({ QueueName: 'saga-tasks', Attributes: { VisibilityTimeout: '30' } }))).QueueUrl!;
  const machine = (
    await c.sfn.send(
      new CreateStateMachineCommand({
        name: 'saga',
        roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/sagabench-local`,
        definition: JSON.stringify(buildSagaDefinition({ binding: { kind: 'sqs-callback', queueUrl: tasks } })),
      }),
    )
  ).stateMachineArn!;
  return { topic, consumers, tasks, machine };
}

type Env = Awaited<ReturnType<typeof setup>>;

/** The store writes every service makes per order, in both variants (GetItem, PutItem, UpdateItem). */
async function storeCalls(c: AwsClients, id: string, gets: number, puts: number, updates: number) {
  for (let i = 0; i < puts; i++)
    await c.dynamodb.send(new PutItemCommand({ TableName: 'state', Item: { pk: s(`${id}#${i}`), status: s('OK'), n: { N: '1' } } }));
  for (let i = 0; i < gets; i++) await c.dynamodb.send(new GetItemCommand({ TableName: 'state', Key: { pk: s(`${id}#${i % puts}`) } }));
  for (let i = 0; i < updates; i++)
    await c.dynamodb.send(
      new UpdateItemCommand({
        TableName: 'state',
        Key: { pk: s(`${id}#0`) },
        UpdateExpression: 'SET #s = :s ADD n :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': s(`U${i}`), ':one': { N: '1' } },
      }),
    );
}

/** One choreography order: 6 event-store appends with their outbox items, 6 publishes, the consumers' receives and deletes. */
async function choreographyOrder(c: AwsClients, env: Env, id: string) {
  for (let seq = 1; seq <= 6; seq++) {
    await c.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: 'events',
              Item: { pk: s(id), sk: s(String(seq).padStart(6, '0')), type: s(`event-${seq - 1}`) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: 'events', Item: { pk: s(`outbox#${id}`), sk: s(String(seq)), body: s('{}') } } },
        ],
      }),
    );
    await c.sns.send(
      new PublishCommand({
        TopicArn: env.topic,
        Message: JSON.stringify({ id, seq }),
        MessageAttributes: { type: { DataType: 'String', StringValue: `event-${seq - 1}` } },
      }),
    );
  }
  await c.dynamodb.send(
    new QueryCommand({ TableName: 'events', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': s(id) } }),
  );
  await c.dynamodb.send(
    new BatchWriteItemCommand({
      RequestItems: {
        events: [1, 2, 3, 4, 5, 6].map((seq) => ({ DeleteRequest: { Key: { pk: s(`outbox#${id}`), sk: s(String(seq)) } } })),
      },
    }),
  );
  await storeCalls(c, `c-${id}`, 3, 3, 1);
}

async function drainConsumers(c: AwsClients, env: Env) {
  for (const url of env.consumers) {
    for (;;) {
      const got =
        (await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }))).Messages ?? [];
      if (got.length === 0) break;
      await c.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: url, Entries: got.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
      );
    }
  }
}

/** The Step Functions worker: each task's message answered with a result every Choice accepts, then deleted. */
async function answerTasks(c: AwsClients, env: Env, expected: number) {
  let answered = 0;
  const deadline = Date.now() + 600_000;
  while (answered < expected && Date.now() < deadline) {
    const got =
      (await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: env.tasks, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? [];
    await Promise.all(
      got.map(async (m) => {
        const body = JSON.parse(m.Body!) as { taskToken: string };
        await c.sfn.send(
          new SendTaskSuccessCommand({ taskToken: body.taskToken, output: JSON.stringify({ status: 'OK', cancelRequested: false }) }),
        );
        await c.sqs.send(new DeleteMessageCommand({ QueueUrl: env.tasks, ReceiptHandle: m.ReceiptHandle! }));
        await storeCalls(c, `s-${body.taskToken.slice(0, 12)}-${answered}`, 1, 1, 1);
        answered++;
      }),
    );
  }
  if (answered < expected) throw new Error(`answered ${answered} of ${expected} tasks`);
}

const TASKS_PER_ORDER = 8;

try {
  await Promise.all(procs.map((_, i) => ready(base + i)));
  const endpoints = { sqs: motoUrl(base), sns: motoUrl(base), events: motoUrl(base), sfn: motoUrl(base + 1), dynamodb: motoUrl(base + 2) };
  await fetch(`${endpoints.sfn}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
  });
  const clients = Array.from({ length: clientsN }, () => createAwsClients({ kind: 'local', endpoints }));
  const c0 = clients[0]!;
  const env = await setup(c0);
  const before = sample();
  const t0 = performance.now();
  let next = 0;
  const arns: string[] = [];
  const worker = answerTasks(clients[clientsN - 1]!, env, orders * TASKS_PER_ORDER);
  await Promise.all(
    clients.map(async (c) => {
      for (let i = next++; i < orders; i = next++) {
        const id = `order-${i}`;
        arns.push(
          (
            await c.sfn.send(
              new StartExecutionCommand({
                stateMachineArn: env.machine,
                name: id,
                input: JSON.stringify({ order: { id, items: [{ sku: 'a', qty: 1 }] } }),
              }),
            )
          ).executionArn!,
        );
        await choreographyOrder(c, env, id);
        await drainConsumers(c, env);
      }
    }),
  );
  await worker;
  const statuses = new Map<string, number>();
  for (const executionArn of arns) {
    let status = 'RUNNING';
    for (let tries = 0; status === 'RUNNING' && tries < 100; tries++) {
      status = (await c0.sfn.send(new DescribeExecutionCommand({ executionArn }))).status!;
      if (status === 'RUNNING') await sleep(50);
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  const after = sample();
  const seconds = (performance.now() - t0) / 1000;
  const rows = names.map((name, i) => {
    const cpuMs = (after[i]!.ticks - before[i]!.ticks) * 10;
    const requests = after[i]!.requests - before[i]!.requests;
    return { process: name, requests, cpuMs, msPerRequest: +(cpuMs / requests).toFixed(2), msPerOrder: +(cpuMs / orders).toFixed(1) };
  });
  const total = rows.reduce((a, r) => a + r.cpuMs, 0);
  console.log(
    JSON.stringify({
      launcher: values.launcher,
      orders,
      seconds: +seconds.toFixed(1),
      executions: Object.fromEntries(statuses),
      load: os.loadavg().map((l) => +l.toFixed(2)),
      rows,
      cpuMsPerOrder: +(total / orders).toFixed(1),
    }),
  );
  for (const c of clients) c.destroy();
} finally {
  for (const p of procs) p.kill('SIGTERM');
  fs.rmSync(logDir, { recursive: true, force: true });
}
