import {
  CreateQueueCommand,
  DeleteMessageCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients, type AwsClients } from '../../aws/clients.ts';
import { Meter } from '../../aws/metering.ts';
import { createPkTable, queueArn, uniqueName } from './names.ts';

export interface Ceiling {
  operation: string;
  concurrency: number;
  ops: number;
  errors: number;
  seconds: number;
  opsPerSecond: number;
  firstError?: string;
}

type Op = (c: AwsClients, i: number) => Promise<unknown>;

/** Runs `ops` operations from `concurrency` independent clients (own connections) and times the lot. */
async function measure(name: string, clientsList: AwsClients[], ops: number, op: Op): Promise<Ceiling> {
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  await Promise.all(
    clientsList.map(async (c) => {
      for (let i = next++; i < ops; i = next++) {
        try {
          await op(c, i);
        } catch (err) {
          errors++;
          firstError ??= `${(err as Error).name}: ${(err as Error).message.slice(0, 160)}`;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    operation: name,
    concurrency: clientsList.length,
    ops,
    errors,
    seconds: Number(seconds.toFixed(3)),
    opsPerSecond: Number((ops / seconds).toFixed(1)),
    ...(firstError ? { firstError } : {}),
  };
}

/**
 * The emulator's own ceiling per primitive. Later latency and throughput numbers
 * from the local substrate are bounded by these, not by the variants.
 */
export async function probeCeilings(base: AwsClients, concurrency: number, ops: number, meter = new Meter()): Promise<Ceiling[]> {
  if (base.target.kind !== 'local') throw new Error('ceilings are measured on the local substrate');
  const pool = Array.from({ length: concurrency }, () => createAwsClients(base.target, meter));
  try {
    const q = (await base.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('ceiling') }))).QueueUrl!;
    const sink = (await base.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('ceiling-sink') }))).QueueUrl!;
    const topic = (await base.sns.send(new CreateTopicCommand({ Name: uniqueName('ceiling') }))).TopicArn!;
    await base.sns.send(
      new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: queueArn(sink), Attributes: { RawMessageDelivery: 'true' } }),
    );
    const sm = (
      await base.sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName('ceiling'),
          roleArn: 'arn:aws:iam::123456789012:role/sagabench-local',
          definition: JSON.stringify({ StartAt: 'Noop', States: { Noop: { Type: 'Pass', End: true } } }),
        }),
      )
    ).stateMachineArn!;
    const table = uniqueName('ceiling');
    await createPkTable(base, table);
    const primitives: [string, Op][] = [
      [
        'SQS send+receive+delete',
        async (c, i) => {
          await c.sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: `m${i}` }));
          const r = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: q, MaxNumberOfMessages: 1 }));
          const m = r.Messages?.[0];
          if (m) await c.sqs.send(new DeleteMessageCommand({ QueueUrl: q, ReceiptHandle: m.ReceiptHandle! }));
        },
      ],
      ['SNS publish (1 SQS subscriber, undrained)', (c, i) => c.sns.send(new PublishCommand({ TopicArn: topic, Message: `p${i}` }))],
      [
        'SFN StartExecution (Pass-only)',
        (c, i) => c.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: `e${i}-${uniqueName('x')}`, input: '{}' })),
      ],
      ['DynamoDB PutItem', (c, i) => c.dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `k${i}` } } }))],
    ];
    const results: Ceiling[] = [];
    for (const [name, op] of primitives) results.push(await measure(name, pool, ops, op));
    // moto scans a whole queue on every send, so a deep sink would make the mixed
    // run measure queue depth rather than concurrency.
    await base.sqs.send(new PurgeQueueCommand({ QueueUrl: sink }));
    // All four at once is what a running variant does; it is where one emulator
    // process per service group pays off on more than one core.
    results.push(await measure('mixed: all four interleaved', pool, ops, (c, i) => primitives[i % primitives.length]![1](c, i + ops)));
    return results;
  } finally {
    for (const c of pool) c.destroy();
  }
}
