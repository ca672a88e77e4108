import { randomUUID } from 'node:crypto';

/** Probe resources get unique names so probes can run against a substrate that is in use. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export const queueArn = (queueUrl: string, region = 'us-east-1', account = '123456789012'): string =>
  `arn:aws:sqs:${region}:${account}:${queueUrl.split('/').pop()}`;
