// An out-of-process Step Functions task worker for the callback pattern: the state
// machine sends {taskToken, input} to an SQS queue and waits; this process answers
// with SendTaskSuccess/SendTaskFailure. Started by probeStepFunctions; exits when
// its parent closes stdin, so it can never outlive the process that started it.
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

async function answer(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (!SETTLED.has((err as Error).name)) throw err;
    staleTokens++;
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
consumer.on('error', (err) => console.error(`worker error: ${err.message}`));
consumer.on('processing_error', (err, message) =>
  console.error(
    `processing error: ${err.message} on ${message?.MessageId} ${(message as { Body?: string } | undefined)?.Body?.slice(-120)}`,
  ),
);

const stop = () => {
  consumer.stop({ abort: true });
  process.stdout.write(
    `${JSON.stringify({ meter: clients.meter.snapshot(), staleTokens, tasksHandled: [...attempts.values()].reduce((a, b) => a + b, 0) })}\n`,
    () => process.exit(0),
  );
};
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
consumer.start();
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
