import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { z } from 'zod';
import { Meter, meteringPlugin } from './metering.ts';
import { faultPlugin, throttles, type ClientFaults } from './faults.ts';
import { callTimingPlugin } from './call-timing.ts';

export type ServiceName = 'sqs' | 'sns' | 'sfn' | 'dynamodb' | 'events';
export const SERVICES: readonly ServiceName[] = ['sqs', 'sns', 'sfn', 'dynamodb', 'events'];

/** Validates local endpoints read back from a config file. */
export const endpointsSchema = z
  .object({ sqs: z.string(), sns: z.string(), sfn: z.string(), dynamodb: z.string(), events: z.string().optional() })
  // EventBridge delivers to SQS in the process that serves SQS, so a record written before it had an endpoint of its own means that one.
  .transform((e) => ({ ...e, events: e.events ?? e.sqs }));

/**
 * `local`: the substrate started by `sagabench local up`, one endpoint per service,
 * fixed dummy credentials (moto accepts any SigV4 signature).
 * `aws`: nothing set here, so the SDK's own chain decides credentials, region and
 * endpoint (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SQS, ...).
 */
export type AwsTarget = { kind: 'local'; endpoints: Record<ServiceName, string>; region?: string } | { kind: 'aws'; region?: string };

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_CREDENTIALS = { accessKeyId: 'sagabench-local', secretAccessKey: 'sagabench-local' } as const;

export interface AwsClients {
  sqs: SQSClient;
  sns: SNSClient;
  sfn: SFNClient;
  dynamodb: DynamoDBClient;
  events: EventBridgeClient;
  meter: Meter;
  target: AwsTarget;
  destroy(): void;
}

/**
 * No call waits for ever: an engine that died or froze fails the call within
 * these bounds instead of holding an order (or the whole run) open. The longest
 * legitimate call is a 1-s SQS long poll (20 s at most), well inside the request bound.
 */
export const HTTP_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 30_000, throwOnRequestTimeout: true } as const;

function configFor(target: AwsTarget, service: ServiceName) {
  if (target.kind === 'local') {
    return {
      requestHandler: HTTP_TIMEOUTS,
      endpoint: target.endpoints[service],
      region: target.region ?? LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      // The emulator's 500s are bugs, not load: retrying hides them and inflates counts.
      maxAttempts: 1,
    };
  }
  return { requestHandler: HTTP_TIMEOUTS, ...(target.region ? { region: target.region } : {}) };
}

/** The one place that builds AWS clients; every client is metered into `meter`. */
export function createAwsClients(target: AwsTarget, meter: Meter = new Meter(), faults?: ClientFaults): AwsClients {
  // Injected throttles are retried by the SDK as AWS's are (3 attempts), not hidden by the local no-retry setting.
  const config = (service: ServiceName) => ({ ...configFor(target, service), ...(throttles(faults) ? { maxAttempts: 3 } : {}) });
  const sqs = new SQSClient(config('sqs'));
  const sns = new SNSClient(config('sns'));
  const sfn = new SFNClient(config('sfn'));
  const dynamodb = new DynamoDBClient(config('dynamodb'));
  const events = new EventBridgeClient(config('events'));
  const clients = [
    ['sqs', sqs],
    ['sns', sns],
    ['sfn', sfn],
    ['dynamodb', dynamodb],
    ['events', events],
  ] as const;
  for (const [name, client] of clients) {
    client.middlewareStack.use(meteringPlugin(meter, name));
    client.middlewareStack.use(callTimingPlugin(name));
    if (faults) client.middlewareStack.use(faultPlugin(faults, name));
  }
  return {
    sqs,
    sns,
    sfn,
    dynamodb,
    events,
    meter,
    target,
    destroy() {
      sqs.destroy();
      sns.destroy();
      sfn.destroy();
      dynamodb.destroy();
      events.destroy();
    },
  };
}
