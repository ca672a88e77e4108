// The choreography on AWS Lambda: `handler` is the same Lambda-shaped handler
// the local consumer processes run (handler.ts), for the service the function's
// environment names; `publisher` is the outbox publisher. The CDK stack sets
// the environment read below; nothing here is specific to one deployment.
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createAwsClients, type AwsClients } from '../shared/aws/clients.ts';
import { parseEvent, SERVICES, type ServiceName } from '../shared/domain/contracts.ts';
import { tableNamesSchema } from '../shared/topology/tables.ts';
import { choreographyDeps, type ChoreographyDeps } from './deps.ts';
import { makeHandler } from './handler.ts';
import { publishEvent } from './bus.ts';

/** What the stack puts in every function's environment. */
export const LAMBDA_ENV = {
  service: 'SAGABENCH_SERVICE',
  tables: 'SAGABENCH_TABLES',
  /** The SNS topic or EventBridge bus ARN (the name is the one deployed stacks already set). */
  topicArn: 'SAGABENCH_TOPIC_ARN',
  queueUrl: 'SAGABENCH_QUEUE_URL',
} as const;

function required(name: string, env: NodeJS.ProcessEnv): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set; the CDK stack sets it on every choreography function`);
  return v;
}

/** Built once per container, on the first event, from the function's environment. */
export function depsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  clients: AwsClients = createAwsClients({ kind: 'aws' }),
): ChoreographyDeps {
  const tables = tableNamesSchema.parse(JSON.parse(required(LAMBDA_ENV.tables, env)));
  return choreographyDeps(clients, tables, required(LAMBDA_ENV.topicArn, env));
}

let deps: ChoreographyDeps | undefined;
const sharedDeps = () => (deps ??= depsFromEnv());

function serviceFromEnv(env: NodeJS.ProcessEnv): ServiceName {
  const service = required(LAMBDA_ENV.service, env);
  if (!(SERVICES as readonly string[]).includes(service))
    throw new Error(`${LAMBDA_ENV.service}='${service}' is not one of ${SERVICES.join(', ')}`);
  return service as ServiceName;
}

let handle: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

/** One service's queue consumer: the service, its queue and the tables come from the function's environment. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  handle ??= makeHandler(serviceFromEnv(process.env), sharedDeps(), required(LAMBDA_ENV.queueUrl, process.env));
  return handle(event);
};

/**
 * The outbox publisher on AWS. Locally a loop in the orders process drains the
 * outbox; on Lambda the event store's stream delivers each new outbox item
 * instead (the stack filters the stream to inserts under the outbox key), and
 * the item is published and then deleted, exactly as `OutboxPublisher.drain`
 * does: at least once, so a crash in between republishes the same messageId.
 */
export function makePublisher(getDeps: () => ChoreographyDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const d = getDeps();
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const [i, record] of event.Records.entries()) {
      const image = record.dynamodb?.NewImage;
      const seq = image?.seq?.N;
      const body = image?.event?.S;
      if (record.eventName !== 'INSERT' || seq === undefined || body === undefined) continue;
      try {
        await publishEvent(d.clients, d.busArn, parseEvent(body));
        await d.store.ackOutbox(Number(seq));
      } catch (err) {
        console.error(`publisher: outbox item ${seq}: ${(err as Error).message}`);
        // Stream batches are ordered: everything from the first failure on is retried.
        for (const r of event.Records.slice(i)) batchItemFailures.push({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' });
        break;
      }
    }
    return { batchItemFailures };
  };
}

export const publisher = makePublisher(sharedDeps);
