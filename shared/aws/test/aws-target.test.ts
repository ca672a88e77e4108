import { afterEach, describe, expect, inject, it } from 'vitest';
import { CreateQueueCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients } from '../clients.ts';

// Target `aws` sets nothing itself: credentials, region and endpoints come from
// the SDK's standard chain. Pointing AWS_ENDPOINT_URL_* at the local engines
// proves the chain is really consulted, with no AWS account needed.
describe('target aws uses the standard SDK configuration chain', () => {
  const substrate = inject('substrate');
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('honours AWS_ENDPOINT_URL_<SERVICE>, AWS_REGION and the credential env vars', async () => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'from-env',
      AWS_SECRET_ACCESS_KEY: 'from-env',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_SQS: substrate.moto.endpoints.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: substrate.moto.endpoints.dynamodb,
    });
    const c = createAwsClients({ kind: 'aws' });
    try {
      const name = `aws-target-${Date.now()}`;
      const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: name }));
      expect(QueueUrl).toContain(name);
      expect(await c.sqs.config.region()).toBe('eu-west-1');
      const creds = await c.sqs.config.credentials();
      expect(creds.accessKeyId).toBe('from-env');
      const listed = await c.sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
      expect(listed.QueueUrls).toEqual([QueueUrl]);
      await c.dynamodb.send(new ListTablesCommand({}));
      expect(c.meter.get('sqs', 'CreateQueue')?.calls).toBe(1);
      expect(c.meter.get('dynamodb', 'ListTables')?.calls).toBe(1);
    } finally {
      c.destroy();
    }
  });

  it('fails without credentials instead of falling back to the local dummy ones', async () => {
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: substrate.moto.endpoints.sqs,
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const c = createAwsClients({ kind: 'aws' });
    try {
      await expect(c.sqs.send(new ListQueuesCommand({}))).rejects.toThrow(/credential/i);
    } finally {
      c.destroy();
    }
  });
});
