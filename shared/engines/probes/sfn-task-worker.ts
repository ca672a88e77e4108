// An out-of-process Step Functions task worker for the callback pattern: the state
// machine sends {taskToken, input} to an SQS queue and waits; this process answers
// with SendTaskSuccess/SendTaskFailure. Started by probeStepFunctions; exits when
// its parent closes stdin, so it can never outlive the process that started it.
import { setTimeout as sleep } from 'node:timers/promises';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { Consumer } from 'sqs-consumer';
import { createAwsClients, type ServiceName } from '../../aws/clients.ts';

const [queueUrl, endpointsJson] = process.argv.slice(2);
if (!queueUrl || !endpointsJson) {
  console.error('usage: sfn-task-worker <queueUrl> <endpointsJson>');
  process.exit(2);
}
const clients = createAwsClients({ kind: 'local', endpoints: JSON.parse(endpointsJson) as Record<ServiceName, string> });
const attempts = new Map<string, number>();
let staleTokens = 0;

// A token that is unknown or already answered means this message is a duplicate
// of a task that is settled: acknowledge it instead of letting it come back. On
// AWS that is SQS redelivery; on moto it also happens after every Retry, which
// reuses the token and sends the task message twice.
const SETTLED = new Set(['InvalidToken', 'TaskDoesNotExist', 'TaskTimedOut']);

// The answers still on the wire. The engine ends an execution when it takes the last answer,
// before that call's response reaches this process, so a stop right after the end would write a
// meter without that call (a floor test once counted 119 answers for 120 tasks).
const answering = new Set<Promise<void>>();

async function answer(send: () => Promise<unknown>): Promise<void> {
  const call = (async () => {
    try {
      await send();
    } catch (err) {
      if (!SETTLED.has((err as Error).name)) throw err;
      staleTokens++;
    }
  })();
  answering.add(call);
  try {
    await call;
  } finally {
    answering.delete(call);
  }
}

interface TaskMessage {
  taskToken: string;
  executionName: string;
  input: { failTimes?: number; permanent?: boolean };
}

const consumer = Consumer.create({
  queueUrl,
  sqs: clients.sqs,
  waitTimeSeconds: 1,
  batchSize: 10,
  handleMessage: async (message) => {
    const task = JSON.parse(message.Body ?? '{}') as TaskMessage;
    const attempt = (attempts.get(task.executionName) ?? 0) + 1;
    attempts.set(task.executionName, attempt);
    if (process.env.SAGABENCH_DEBUG)
      console.error(`task ${message.MessageId} ${task.executionName} token ${task.taskToken} attempt ${attempt}`);
    if (task.input.permanent) {
      await answer(() =>
        clients.sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'PaymentDeclined', cause: 'probe' })),
      );
    } else if (attempt <= (task.input.failTimes ?? 0)) {
      await answer(() =>
        clients.sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'Transient', cause: `attempt ${attempt}` })),
      );
    } else {
      await answer(() =>
        clients.sfn.send(
          new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ charged: true, attempt, pid: process.pid }) }),
        ),
      );
    }
    return message;
  },
});
let stopping = false;
// The stop aborts the receive and the deletes in flight: "Request aborted" is the stop itself, not a
// failure worth a line in the bench's output (the run is over; the floor's queue is deleted with it).
consumer.on('error', (err) => {
  if (!stopping) console.error(`worker error: ${err.message}`);
});
consumer.on('processing_error', (err, message) =>
  console.error(
    `processing error: ${err.message} on ${message?.MessageId} ${(message as { Body?: string } | undefined)?.Body?.slice(-120)}`,
  ),
);

const stop = async () => {
  stopping = true;
  consumer.stop({ abort: true });
  // Bounded: an answer that hangs must not keep the worker from stopping.
  await Promise.race([Promise.allSettled([...answering]), sleep(5000)]);
  process.stdout.write(
    `${JSON.stringify({ meter: clients.meter.snapshot(), staleTokens, tasksHandled: [...attempts.values()].reduce((a, b) => a + b, 0) })}\n`,
    () => process.exit(0),
  );
};
process.stdin.on('end', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
consumer.start();
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
