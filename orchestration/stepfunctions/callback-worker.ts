import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { Message } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import type { AwsClients } from '../../shared/aws/clients.ts';
import type { TableNames } from '../../shared/topology/tables.ts';
import type { TracePoint, TraceSink } from '../../shared/messaging/trace.ts';
import { orderDocumentSchema, parseWith } from '../../shared/domain/contracts.ts';
import { TransientError } from '../../shared/services/errors.ts';
import { InfrastructureError, retryTransient } from '../../shared/aws/transient.ts';
import { createTaskRunner, TASKS, type TaskName } from '../tasks.ts';
import { TASK_TIMEOUT_SECONDS, TASKS_VISIBILITY_TIMEOUT_SECONDS } from './definition.ts';

/** An answer for a token that is unknown or already answered: the task is settled, the message is a duplicate. */
const SETTLED = new Set(['InvalidToken', 'TaskDoesNotExist', 'TaskTimedOut']);

/** The longest a stop waits for the messages in hand. */
const STOP_WAIT_MS = 5000;

export interface CallbackWorker {
  stop(): Promise<void>;
}

/**
 * The local task binding: polls the tasks queue, runs the shared service code,
 * and answers the waiting state. A transient failure becomes a TaskFailure with
 * error `TransientError`, which the state's Retry matches, exactly as a Lambda's
 * thrown TransientError does on AWS. Infrastructure errors (a throttle that
 * outlasted the SDK's attempts, a 5xx) are never answered as the step's failure:
 * the task is run again while the message is the worker's, then reported as
 * `InfrastructureError`, which the state retries without compensating; the answer
 * itself is retried until the task's own timeout.
 */
export function startCallbackWorker(clients: AwsClients, tables: TableNames, queueUrl: string, trace?: TraceSink): CallbackWorker {
  // A task's trace point is held until its answer is sent, so it can say how long the answer took.
  const held = new AsyncLocalStorage<TracePoint[]>();
  const runTask = createTaskRunner(
    clients,
    tables,
    trace && { record: (p) => (held.getStore() ? held.getStore()!.push(p) : trace.record(p)) },
  );
  // Messages taken and not yet through (handled, answered, deleted). A stop waits for them: the engine
  // ends an execution when it takes the last answer, before that call's response is back here, and the
  // harness stops the worker once every execution ended; stopped then, the meter missed that answer and
  // the delete after it (the probe worker counted 119 answers for 120 tasks so), and the abort cut the delete.
  const inFlight = new Set<string>();
  const settled = (message: Message | Message[] | undefined) => {
    for (const m of [message ?? []].flat()) inFlight.delete(m.MessageId!);
  };
  const consumer = Consumer.create({
    queueUrl,
    sqs: clients.sqs,
    batchSize: 10,
    waitTimeSeconds: 1,
    // A message that cannot be handled comes back at once, and after maxReceiveCount goes to the DLQ.
    terminateVisibilityTimeout: true,
    messageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
    handleMessage: (message) => {
      inFlight.add(message.MessageId!);
      const points: TracePoint[] = [];
      return held.run(points, () => handle(message, points));
    },
  });
  consumer.on('message_processed', settled);
  consumer.on('processing_error', (_err, message) => settled(message));
  const handle = async (message: Message, points: TracePoint[]): Promise<Message> => {
    const receivedAt = Date.now();
    const body = JSON.parse(message.Body ?? '{}') as {
      taskToken: string;
      task: TaskName;
      order: unknown;
      retryCount?: number;
      status?: never;
      failure?: never;
    };
    if (!TASKS.includes(body.task)) throw new Error(`unknown task ${String(body.task)}`);
    const order = parseWith(orderDocumentSchema, 'task order', body.order);
    // The engine sends the message as the attempt starts, so its timeout runs from then.
    const sentAt = Number(message.Attributes?.SentTimestamp ?? receivedAt);
    const taskDeadline = sentAt + TASK_TIMEOUT_SECONDS * 1000;
    // Retrying past the message's visibility would race its redelivery.
    const runDeadline = Math.min(taskDeadline, receivedAt + (TASKS_VISIBILITY_TIMEOUT_SECONDS - 5) * 1000);
    const logRetry = (what: string) => (err: Error, n: number) =>
      console.error(`stepfunctions worker: ${order.orderId} ${body.task}: ${what} failed (${err.name}: ${err.message}), retry ${n}`);
    let answer: () => Promise<unknown>;
    try {
      const output = await retryTransient(
        () =>
          runTask({
            task: body.task,
            order,
            attempt: (body.retryCount ?? 0) + 1,
            ...(body.status ? { status: body.status } : {}),
            ...(body.failure ? { failure: body.failure } : {}),
          }),
        runDeadline,
        logRetry('task'),
      );
      answer = () => clients.sfn.send(new SendTaskSuccessCommand({ taskToken: body.taskToken, output: JSON.stringify(output ?? {}) }));
    } catch (err) {
      const name =
        err instanceof TransientError ? 'TransientError' : err instanceof InfrastructureError ? 'InfrastructureError' : 'TaskError';
      answer = () =>
        clients.sfn.send(
          new SendTaskFailureCommand({ taskToken: body.taskToken, error: name, cause: (err as Error).message.slice(0, 256) }),
        );
    }
    const answerStart = performance.now();
    try {
      await retryTransient(answer, taskDeadline, logRetry('answer'));
      const answerMs = Math.round((performance.now() - answerStart) * 10) / 10;
      for (const p of points) trace?.record({ ...p, answerMs });
    } catch (err) {
      for (const p of points) trace?.record(p);
      if (SETTLED.has((err as Error).name)) {
        // A first delivery refused within the task's time is no duplicate: unless another copy answered, the state now
        // waits out its timeout. Said, so that the rare order that took a task timeout longer says where its time went.
        if (Number(message.Attributes?.ApproximateReceiveCount ?? 1) === 1 && Date.now() < taskDeadline)
          console.error(
            `stepfunctions worker: ${order.orderId} ${body.task}: the engine refused the answer (${(err as Error).name}) ` +
              `${((Date.now() - sentAt) / 1000).toFixed(1)} s after it sent the task; ` +
              `unless another copy answered, the state waits out its ${TASK_TIMEOUT_SECONDS}-s timeout`,
          );
        return message;
      }
      // Past the task's timeout the state has already retried the task with a fresh token: this message is spent.
      if (err instanceof InfrastructureError) {
        console.error(
          `stepfunctions worker: ${order.orderId} ${body.task}: answer not delivered before the task's timeout (${err.message})`,
        );
        return message;
      }
      throw err;
    }
    return message;
  };
  let stopping = false;
  // Stopping aborts the long poll in flight; that abort is the stop, not a failure worth a line.
  consumer.on('error', (err, message) => {
    settled(message);
    if (!stopping) console.error(`stepfunctions worker: ${err.message}`);
  });
  consumer.start();
  return {
    async stop() {
      stopping = true;
      // Bounded: a task that hangs must not keep the worker from stopping.
      for (const giveUpAt = Date.now() + STOP_WAIT_MS; inFlight.size && Date.now() < giveUpAt;) await sleep(10);
      consumer.stop({ abort: true });
      await sleep(50);
    },
  };
}
