// One choreography service as a process: a long-polling sqs-consumer feeding the
// Lambda-shaped handler, plus (for orders) the outbox publisher. Exits when its
// parent closes stdin or on SIGTERM, so it never outlives the variant's `stop`.
import fs from 'node:fs';
import path from 'node:path';
import { Consumer } from 'sqs-consumer';
import type { SQSEvent } from 'aws-lambda';
import { createAwsClients } from '../shared/aws/clients.ts';
import { perOrderWork, pollingLoop } from '../shared/aws/metering.ts';
import { faultsFromEnv } from '../shared/aws/faults.ts';
import { flushMeterEvery } from '../shared/runtime/meter-file.ts';
import { SERVICES, type ServiceName } from '../shared/domain/contracts.ts';
import { FileTraceSink } from '../shared/messaging/trace.ts';
import { choreographyConfigSchema } from './config.ts';
import { choreographyDeps } from './deps.ts';
import { makeHandler } from './handler.ts';
import { orderLanes } from './order-lanes.ts';
import { OutboxPublisher } from './orders/publisher.ts';
import { countPublisherInvocation, OUTBOX_RECOVERY_MS } from './orders/publish-on-commit.ts';
import { onParentGone } from '../shared/runtime/children.ts';
import { serveOrdersApi, writeOrdersApiUrl } from './orders/api.ts';

const [service, configPath] = process.argv.slice(2) as [ServiceName, string];
if (!SERVICES.includes(service) || !configPath) {
  console.error(`usage: consumer-main <${SERVICES.join('|')}> <config.json>`);
  process.exit(2);
}
const config = choreographyConfigSchema.parse(JSON.parse(fs.readFileSync(configPath, 'utf8')));
const clients = createAwsClients({ kind: 'local', endpoints: config.endpoints }, undefined, faultsFromEnv());
const deps = choreographyDeps(clients, config.tables, config.busArn, { publishOnCommit: true });
const queue = config.queues[service];
if (!queue) throw new Error(`no queue for ${service}`);
const trace = new FileTraceSink(path.join(config.traceDir, `${service}-${process.pid}.jsonl`));
const handler = makeHandler(service, deps, queue.url, trace);

const consumer = Consumer.create({
  queueUrl: queue.url,
  sqs: clients.sqs,
  batchSize: 10,
  waitTimeSeconds: 1,
  messageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
  // Below the parent's 5 s grace before SIGKILL (shared/runtime/children.ts).
  pollingCompleteWaitTimeMs: 4000,
  handleMessageBatch: async (messages) => {
    const event: SQSEvent = {
      Records: messages.map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body ?? '',
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: m.Attributes?.SentTimestamp ?? '0',
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: 'us-east-1',
      })),
    };
    // On AWS a Lambda event source mapping reads the queue: the long poll is the loop's, the
    // handling each message's. Every message handed over is an invocation (failed ones too:
    // they come back and are handed over again), counted without batching, as an upper bound.
    clients.meter.record('lambda', 'Invoke', { calls: messages.length, billingChunks: messages.length, items: messages.length });
    // Locally one process stands for the service's Lambda functions, which AWS runs side by
    // side: each order's records form a lane, handled as a batch of its own.
    const lanes = orderLanes(event.Records);
    const answers = await Promise.all(lanes.map((Records) => perOrderWork(() => handler({ Records }))));
    const failed = new Set(answers.flatMap((a) => a.batchItemFailures.map((f) => f.itemIdentifier)));
    return messages.filter((m) => !failed.has(m.MessageId!));
  },
});
let stopping = false;
// An error while stopping (the engine going away with us) is the stop, not a failure worth a line.
consumer.on('error', (err) => {
  if (!stopping) console.error(`${service} consumer: ${err.message}`);
});

// The poller recovers what publish-on-commit missed: only items older than its grace.
const publisher =
  service === 'orders'
    ? new OutboxPublisher(deps.store, clients, config.busArn, undefined, OUTBOX_RECOVERY_MS, countPublisherInvocation(clients.meter))
    : undefined;

// The orders process also takes new orders: the benchmark's edge call, answered here rather than in the harness.
const api = service === 'orders' ? await serveOrdersApi(deps.orders) : undefined;
if (api) writeOrdersApiUrl(config.traceDir, api.url);

const meterFile = flushMeterEvery(path.join(config.traceDir, `${service}-${process.pid}.meter.json`), clients.meter, 1000, trace);
onParentGone(async () => {
  stopping = true;
  // No new order once stopping; one in hand is answered first.
  await api?.close();
  // A batch in hand runs to its end: exiting between the orders service's append
  // and its projection write would leave a finished order showing an older status.
  const stopped = new Promise<void>((resolve) => consumer.once('stopped', () => resolve()));
  consumer.stop();
  await stopped;
  await deps.acks?.flush();
  await publisher?.stop();
  meterFile.close();
});
pollingLoop(() => consumer.start());
// Only the recovery path polls now: half a second between rounds is plenty.
publisher?.start(500);
process.stdout.write(`${JSON.stringify({ ready: service, pid: process.pid })}\n`);
