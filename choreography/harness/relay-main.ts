// The choreography floor's relays as one process: one long-polling consumer per
// hop, each passing the message on to the next hop with nothing in between.
// Exits when its parent closes stdin (onParentGone), reporting its AWS calls.
import { Consumer } from 'sqs-consumer';
import { createAwsClients } from '../../shared/aws/clients.ts';
import { onParentGone } from '../../shared/runtime/children.ts';
import { publishHop, relayConfigSchema } from './floor.ts';
import { reportMeter } from '../../shared/variant/floor.ts';

const config = relayConfigSchema.parse(JSON.parse(process.argv[2] ?? 'null'));
const clients = createAwsClients({ kind: 'local', endpoints: config.endpoints });
const last = config.queueUrls.length;

const consumers = config.queueUrls.map((queueUrl, i) => {
  const hop = i + 1;
  // The same polling as choreography/consumer-main.ts, so the floor waits as the variant does.
  const consumer = Consumer.create({
    queueUrl,
    sqs: clients.sqs,
    batchSize: 10,
    waitTimeSeconds: 1,
    messageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    handleMessageBatch: async (messages) => {
      // One record after another, as the variant's handler does.
      for (const m of messages) {
        const body = JSON.parse(m.Body ?? '{}') as Record<string, unknown>;
        // Stamped before the last publish: the counterpart of the variant's terminal event's occurredAt.
        const next = hop === last ? { ...body, doneAt: Date.now() } : body;
        await publishHop(clients, config.topicArn, next, hop + 1);
      }
      return messages;
    },
  });
  consumer.on('error', (err) => console.error(`floor relay ${hop}: ${err.message}`));
  return consumer;
});

onParentGone(async () => {
  for (const c of consumers) c.stop({ abort: true });
  await reportMeter(clients.meter.snapshot());
});
for (const c of consumers) c.start();
process.stdout.write(`${JSON.stringify({ ready: 'floor-relay', pid: process.pid })}\n`);
