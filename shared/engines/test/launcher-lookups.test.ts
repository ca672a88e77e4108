/**
 * The launcher's speed patches (12-15 in moto_server.py: cached parse trees, clients and JSONPaths,
 * indexed Step Functions lookups, the ended log read from its tail, SQS's attribute walks) must
 * leave every answer as moto gives it. These drive the paths each patch replaced, with the cases
 * its shortcut must not change: several executions of one definition at once, a definition
 * updated, names reused, unknown ARNs and tokens, a cursor into the ended log, a FIFO queue's
 * deduplication and a queue's counts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { createAwsClients, LOCAL_ACCOUNT, type AwsClients } from '../../aws/clients.ts';
import { CALLBACK_RESOURCE, waitForExecution } from '../probes/stepfunctions.ts';
import { uniqueName } from '../probes/names.ts';

const ROLE = `arn:aws:iam::${LOCAL_ACCOUNT}:role/sagabench-local`;

/** Two callback tasks; the second's result lands under a path named in the definition, so two definitions differ in their output. */
function definition(queueUrl: string, resultKey: string) {
  const task = (next: object) => ({
    Type: 'Task',
    Resource: CALLBACK_RESOURCE,
    Parameters: { QueueUrl: queueUrl, MessageBody: { 'taskToken.$': '$$.Task.Token', 'id.$': '$.id' } },
    // A heartbeat is only taken by a task that expects one.
    TimeoutSeconds: 60,
    HeartbeatSeconds: 30,
    ...next,
  });
  return JSON.stringify({
    StartAt: 'First',
    States: {
      First: task({ ResultPath: '$.first', Next: 'Second' }),
      Second: task({ ResultPath: `$.${resultKey}`, End: true }),
    },
  });
}

async function errorName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).name;
  }
  return 'no error';
}

describe('moto launcher: speed patches keep moto answers', () => {
  const substrate = inject('substrate');
  let c: AwsClients;
  beforeAll(() => {
    c = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => c.destroy());

  /** Receives task messages until `n` are in hand; each body is {taskToken, id}. */
  async function takeTasks(queueUrl: string, n: number) {
    const got: { taskToken: string; id: string }[] = [];
    const deadline = Date.now() + 30_000;
    while (got.length < n && Date.now() < deadline) {
      // A short visibility, and deleted once taken: a message a receive marked in flight without handing
      // it over (seen here on main's launcher as on this one) is handed out again instead of lost.
      const r = await c.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 2 }),
      );
      for (const m of r.Messages ?? []) {
        got.push(JSON.parse(m.Body!) as { taskToken: string; id: string });
        await c.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    expect(got).toHaveLength(n);
    return got;
  }

  it('runs executions of one definition side by side, each with its own input, tokens and outcome; lookups by ARN, name and token find the right one', async () => {
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('lookups') }));
    const { stateMachineArn } = await c.sfn.send(
      new CreateStateMachineCommand({ name: uniqueName('lookups'), roleArn: ROLE, definition: definition(QueueUrl!, 'second') }),
    );
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const arns = new Map<string, string>();
    for (const id of ids) {
      const r = await c.sfn.send(new StartExecutionCommand({ stateMachineArn, name: `x-${id}`, input: JSON.stringify({ id }) }));
      arns.set(id, r.executionArn!);
    }
    // A name taken with the same input while running is the same execution; with another input it is refused.
    const again = await c.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'x-a', input: JSON.stringify({ id: 'a' }) }));
    expect(again.executionArn).toBe(arns.get('a'));
    expect(await errorName(c.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'x-a', input: '{"id":"z"}' })))).toBe(
      'ExecutionAlreadyExists',
    );

    for (const t of await takeTasks(QueueUrl!, ids.length)) {
      await c.sfn.send(new SendTaskHeartbeatCommand({ taskToken: t.taskToken }));
      await c.sfn.send(new SendTaskSuccessCommand({ taskToken: t.taskToken, output: JSON.stringify({ from: t.id }) }));
    }
    const answered: string[] = [];
    for (const t of await takeTasks(QueueUrl!, ids.length)) {
      if (t.id === 'f') {
        await c.sfn.send(new SendTaskFailureCommand({ taskToken: t.taskToken, error: 'Declined', cause: `no for ${t.id}` }));
      } else await c.sfn.send(new SendTaskSuccessCommand({ taskToken: t.taskToken, output: JSON.stringify({ second: t.id }) }));
      answered.push(t.taskToken);
    }
    for (const id of ids) {
      const outcome = await waitForExecution(c, arns.get(id)!);
      if (id === 'f') {
        expect(outcome.status).toBe('FAILED');
        expect(outcome.error).toBe('Declined');
      } else {
        expect(outcome.status).toBe('SUCCEEDED');
        expect(outcome.output).toEqual({ id, first: { from: id }, second: { second: id } });
      }
      const d = await c.sfn.send(new DescribeExecutionCommand({ executionArn: arns.get(id)! }));
      expect(d.name).toBe(`x-${id}`);
      expect(JSON.parse(d.input!)).toEqual({ id });
      const h = await c.sfn.send(new GetExecutionHistoryCommand({ executionArn: arns.get(id)! }));
      expect(h.events?.[0]?.type).toBe('ExecutionStarted');
    }
    // An ended execution's name is taken for good; its token, an unknown token and an unknown ARN are refused.
    expect(await errorName(c.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'x-b', input: '{"id":"b"}' })))).toBe(
      'ExecutionAlreadyExists',
    );
    expect(await errorName(c.sfn.send(new SendTaskSuccessCommand({ taskToken: answered[0]!, output: '{}' })))).toBe('InvalidToken');
    expect(await errorName(c.sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })))).toBe('InvalidToken');
    expect(await errorName(c.sfn.send(new SendTaskFailureCommand({ taskToken: 'not-a-token', error: 'E' })))).toBe('InvalidToken');
    const unknown = arns.get('a')!.replace(/:x-a$/, ':x-none');
    expect(await errorName(c.sfn.send(new DescribeExecutionCommand({ executionArn: unknown })))).toBe('ExecutionDoesNotExist');
    expect(await errorName(c.sfn.send(new GetExecutionHistoryCommand({ executionArn: unknown })))).toBe('ExecutionDoesNotExist');
  });

  it('executions sharing a definition keep their own retry counts: each may retry once, and a second failure ends only its own', async () => {
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('retry') }));
    const def = JSON.stringify({
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: CALLBACK_RESOURCE,
          Parameters: { QueueUrl, MessageBody: { 'taskToken.$': '$$.Task.Token', 'id.$': '$.id' } },
          Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1, MaxAttempts: 1, BackoffRate: 1 }],
          End: true,
        },
      },
    });
    const { stateMachineArn } = await c.sfn.send(
      new CreateStateMachineCommand({ name: uniqueName('retry'), roleArn: ROLE, definition: def }),
    );
    const ids = ['ok1', 'ok2', 'bad'];
    const arns = new Map<string, string>();
    for (const id of ids)
      arns.set(
        id,
        (await c.sfn.send(new StartExecutionCommand({ stateMachineArn, name: id, input: JSON.stringify({ id }) }))).executionArn!,
      );
    // First attempts: all fail with the retryable error, side by side.
    for (const t of await takeTasks(QueueUrl!, 3))
      await c.sfn.send(new SendTaskFailureCommand({ taskToken: t.taskToken, error: 'Transient', cause: t.id }));
    // Second attempts: two succeed, one fails again (its one retry is spent).
    for (const t of await takeTasks(QueueUrl!, 3)) {
      if (t.id === 'bad') await c.sfn.send(new SendTaskFailureCommand({ taskToken: t.taskToken, error: 'Transient', cause: 'again' }));
      else await c.sfn.send(new SendTaskSuccessCommand({ taskToken: t.taskToken, output: JSON.stringify({ done: t.id }) }));
    }
    expect(await waitForExecution(c, arns.get('ok1')!)).toMatchObject({ status: 'SUCCEEDED', output: { done: 'ok1' } });
    expect(await waitForExecution(c, arns.get('ok2')!)).toMatchObject({ status: 'SUCCEEDED', output: { done: 'ok2' } });
    expect(await waitForExecution(c, arns.get('bad')!)).toMatchObject({ status: 'FAILED', error: 'Transient' });
  });

  /** A machine of Pass states only: it ends at once, with its definition's `result` in its output. */
  const passDefinition = (result: string) =>
    JSON.stringify({
      StartAt: 'Mark',
      States: { Mark: { Type: 'Pass', Result: result, ResultPath: '$.mark', Next: 'Done' }, Done: { Type: 'Succeed' } },
    });

  it('an updated definition is the one new executions run', async () => {
    const { stateMachineArn } = await c.sfn.send(
      new CreateStateMachineCommand({ name: uniqueName('update'), roleArn: ROLE, definition: passDefinition('old') }),
    );
    const run = async (name: string) => {
      const { executionArn } = await c.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: '{"id":"u"}' }));
      return (await waitForExecution(c, executionArn!)).output;
    };
    expect(await run('before')).toEqual({ id: 'u', mark: 'old' });
    await c.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: passDefinition('new') }));
    expect(await run('after')).toEqual({ id: 'u', mark: 'new' });
    expect(await run('after-again')).toEqual({ id: 'u', mark: 'new' });
  });

  it('the ended log answers a cursor with exactly the entries after it, oldest first, for the machine asked', async () => {
    const machine = async () =>
      (await c.sfn.send(new CreateStateMachineCommand({ name: uniqueName('ended'), roleArn: ROLE, definition: passDefinition('x') })))
        .stateMachineArn!;
    const [one, two] = [await machine(), await machine()];
    const ended = async (after: number, arn?: string) => {
      const q = `after=${after}&wait=0${arn ? `&stateMachineArn=${encodeURIComponent(arn)}` : ''}`;
      return (await (await fetch(`${substrate.moto.endpoints.sfn}/_sagabench/sfn/ended?${q}`)).json()) as {
        cursor: number;
        gap: boolean;
        ended: { seq: number; name: string; stateMachineArn: string }[];
      };
    };
    const start = (await ended(0)).cursor;
    for (const [arn, name] of [
      [one, 'e1'],
      [two, 'e2'],
      [one, 'e3'],
    ] as const) {
      const { executionArn } = await c.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: `{"id":"${name}"}` }));
      await waitForExecution(c, executionArn!);
    }
    const all = await ended(start);
    expect(all.gap).toBe(false);
    expect(all.ended.map((e) => [e.seq, e.name])).toEqual([
      [start + 1, 'e1'],
      [start + 2, 'e2'],
      [start + 3, 'e3'],
    ]);
    expect(all.cursor).toBe(start + 3);
    expect((await ended(start + 1)).ended.map((e) => e.name)).toEqual(['e2', 'e3']);
    expect((await ended(start, one)).ended.map((e) => e.name)).toEqual(['e1', 'e3']);
    expect((await ended(start + 1, one)).ended.map((e) => e.name)).toEqual(['e3']);
    expect((await ended(start + 3)).ended).toEqual([]);
    expect((await ended(start + 10)).ended).toEqual([]);
  });

  it('SQS: a FIFO queue still deduplicates by content, and a queue still counts its visible and in-flight messages', async () => {
    const { QueueUrl: fifo } = await c.sqs.send(
      new CreateQueueCommand({
        QueueName: `${uniqueName('dedup')}.fifo`,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      }),
    );
    for (const body of ['same', 'same', 'other'])
      await c.sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: body, MessageGroupId: 'g' }));
    const attrs = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: fifo, AttributeNames: ['All'] }));
    expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe('2');
    expect(attrs.Attributes?.ContentBasedDeduplication).toBe('true');

    const { QueueUrl: plain } = await c.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('counts') }));
    for (let i = 0; i < 5; i++) await c.sqs.send(new SendMessageCommand({ QueueUrl: plain, MessageBody: `m${i}` }));
    const got = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: plain, MaxNumberOfMessages: 2, VisibilityTimeout: 60 }));
    expect(got.Messages).toHaveLength(2);
    const counts = await c.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: plain,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'MessageRetentionPeriod'],
      }),
    );
    expect(counts.Attributes).toEqual({
      ApproximateNumberOfMessages: '3',
      ApproximateNumberOfMessagesNotVisible: '2',
      MessageRetentionPeriod: '345600',
    });
  });
});
