/**
 * The harness's CPU for one call to a local engine: through the AWS SDK as the harness makes it
 * (createAwsClients: metering, timing), and the same request through bare node:http, which is what
 * the SDK's signing, serialisation and middleware add. Every variant that submits through the SDK
 * pays at least one such call per order (README, "The harness's own cost"). Against the SQS
 * endpoint of a running substrate (`npx sagabench local up` prints it):
 *
 *   npx node bench/sdk-call-cpu.ts --endpoint http://127.0.0.1:5770 --calls 500
 *
 * CPU is this process's (every thread), per call, after 50 calls of warmup, three rounds each.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, SERVICES, type ServiceName } from '../shared/aws/clients.ts';

const { values } = parseArgs({ options: { endpoint: { type: 'string' }, calls: { type: 'string', default: '500' } } });
const calls = Number(values.calls);
if (!values.endpoint || !/^https?:\/\/[^/]+$/.test(values.endpoint) || !Number.isInteger(calls) || calls < 1) {
  console.error('usage: npx node bench/sdk-call-cpu.ts --endpoint http://127.0.0.1:<sqs port> [--calls N]');
  process.exit(2);
}
const endpoint = values.endpoint;
const clients = createAwsClients({
  kind: 'local',
  endpoints: Object.fromEntries(SERVICES.map((s) => [s, endpoint])) as Record<ServiceName, string>,
});
const queueUrl = (await clients.sqs.send(new CreateQueueCommand({ QueueName: `sdk-call-cpu-${process.pid}` }))).QueueUrl!;
const input = { QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages' as const] };

const viaSdk = async () => void (await clients.sqs.send(new GetQueueAttributesCommand(input)));
// The same JSON request, unsigned (moto does not check signatures), on a kept connection as the SDK's.
const agent = new http.Agent({ keepAlive: true });
const url = new URL(endpoint);
const body = JSON.stringify(input);
const viaHttp = () =>
  new Promise<void>((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueAttributes' },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const cpuPerCall = async (call: () => Promise<void>): Promise<number> => {
  for (let i = 0; i < 50; i++) await call();
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / calls;
};
try {
  const rounds: Record<string, number[]> = { 'AWS SDK': [], 'node:http': [] };
  for (let round = 0; round < 3; round++) {
    rounds['AWS SDK']!.push(await cpuPerCall(viaSdk));
    rounds['node:http']!.push(await cpuPerCall(viaHttp));
  }
  for (const [how, ms] of Object.entries(rounds))
    console.log(
      `${how.padEnd(10)} CPU ms per call: ${ms.map((m) => m.toFixed(3)).join(' / ')} (median ${ms.sort((a, b) => a - b)[1]!.toFixed(3)})`,
    );
} finally {
  await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
  clients.destroy();
  agent.destroy();
}
