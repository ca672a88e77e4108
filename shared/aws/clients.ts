import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { Meter, meteringPlugin } from './metering.ts';

export type ServiceName = 'sqs' | 'sns' | 'sfn' | 'dynamodb';
export const SERVICES: readonly ServiceName[] = ['sqs', 'sns', 'sfn', 'dynamodb'];

/** Validates local endpoints read back from a config file. */
export const endpointsSchema = z.object({ sqs: z.string(), sns: z.string(), sfn: z.string(), dynamodb: z.string() });

/**
 * `local`: the substrate started by `sagabench local up`, one endpoint per service,
 * fixed dummy credentials (moto accepts any SigV4 signature).
 * `aws`: nothing set here, so the SDK's own chain decides credentials, region and
 * endpoint (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SQS, ...).
 */
export type AwsTarget =
  | { kind: 'local'; endpoints: Record<ServiceName, string>; region?: string }
  | { kind: 'aws'; region?: string };

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_CREDENTIALS = { accessKeyId: 'sagabench-local', secretAccessKey: 'sagabench-local' } as const;

export interface AwsClients {
  sqs: SQSClient;
  sns: SNSClient;
  sfn: SFNClient;
  dynamodb: DynamoDBClient;
  meter: Meter;
  target: AwsTarget;
  destroy(): void;
}

function configFor(target: AwsTarget, service: ServiceName) {
  if (target.kind === 'local') {
    return {
      endpoint: target.endpoints[service],
      region: target.region ?? LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      // The emulator's 500s are bugs, not load: retrying hides them and inflates counts.
      maxAttempts: 1,
    };
  }
  return target.region ? { region: target.region } : {};
}

/** The one place that builds AWS clients; every client is metered into `meter`. */
export function createAwsClients(target: AwsTarget, meter: Meter = new Meter()): AwsClients {
  const sqs = new SQSClient(configFor(target, 'sqs'));
  const sns = new SNSClient(configFor(target, 'sns'));
  const sfn = new SFNClient(configFor(target, 'sfn'));
  const dynamodb = new DynamoDBClient(configFor(target, 'dynamodb'));
  sqs.middlewareStack.use(meteringPlugin(meter, 'sqs'));
  sns.middlewareStack.use(meteringPlugin(meter, 'sns'));
  sfn.middlewareStack.use(meteringPlugin(meter, 'sfn'));
  dynamodb.middlewareStack.use(meteringPlugin(meter, 'dynamodb'));
  return {
    sqs,
    sns,
    sfn,
    dynamodb,
    meter,
    target,
    destroy() {
      sqs.destroy();
      sns.destroy();
      sfn.destroy();
      dynamodb.destroy();
    },
  };
}
