import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateQueueCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CreateTableCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CreateEventBusCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { createAwsClients, type AwsClients } from '../clients.ts';
import { BILLING_CHUNK_BYTES, Meter, billingChunks, mergeCounts, perOrderWork, pollingLoop } from '../metering.ts';
import { itemSize } from '../capacity.ts';
import { createPkTable } from '../../engines/probes/names.ts';

describe('billingChunks', () => {
  it('bills at least one request and one more per started 64 KB', () => {
    expect(billingChunks(0)).toBe(1);
    expect(billingChunks(BILLING_CHUNK_BYTES)).toBe(1);
    expect(billingChunks(BILLING_CHUNK_BYTES + 1)).toBe(2);
    expect(billingChunks(4 * BILLING_CHUNK_BYTES)).toBe(4);
  });
});

describe('mergeCounts', () => {
  it('sums every count of the same service and operation across meters, in the snapshot order', () => {
    const a = new Meter();
    a.record('sqs', 'SendMessage', { calls: 2, billingChunks: 3, requestBytes: 10 });
    a.record('dynamodb', 'PutItem', { calls: 1, writeCapacityUnits: 1 });
    const b = new Meter();
    b.record('sqs', 'SendMessage', { calls: 1, errors: 1, throttles: 1, billingChunks: 1, requestBytes: 5 });
    const merged = mergeCounts(a.snapshot(), b.snapshot());
    expect(merged.map((c) => `${c.service}.${c.operation}`)).toEqual(['dynamodb.PutItem', 'sqs.SendMessage']);
    expect(merged[1]).toEqual({
      service: 'sqs',
      operation: 'SendMessage',
      calls: 3,
      errors: 1,
      throttles: 1,
      requestBytes: 15,
      responseBytes: 0,
      billingChunks: 4,
      readCapacityUnits: 0,
      writeCapacityUnits: 0,
      billedCapacityUnits: 0,
      items: 0,
      polling: false,
    });
    expect(a.get('sqs', 'SendMessage')?.calls).toBe(2);
  });
});

describe('metering middleware against the local engines', () => {
  const substrate = inject('substrate');
  let c: AwsClients;
  beforeAll(() => {
    c = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => c.destroy());

  it('counts each call by service and operation, and payloads in 64 KB chunks both ways', async () => {
    c.meter.reset();
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: `meter-${Date.now()}` }));
    await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'small' }));
    await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(100 * 1024) }));
    const small = c.meter.get('sqs', 'SendMessage')!;
    expect(small.calls).toBe(2);
    expect(small.billingChunks).toBe(3);
    expect(small.requestBytes).toBeGreaterThan(100 * 1024);

    let received = 0;
    while (received < 2) {
      const r = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      received += r.Messages?.length ?? 0;
    }
    const recv = c.meter.get('sqs', 'ReceiveMessage')!;
    expect(recv.responseBytes).toBeGreaterThan(100 * 1024);
    // The receive that carried the 100 KB body is two billed requests; every other receive one.
    expect(recv.billingChunks).toBe(recv.calls + 1);
    expect(c.meter.totalCalls('sqs')).toBe(1 + 2 + recv.calls);
  });

  it('counts failed calls as calls and as errors', async () => {
    c.meter.reset();
    await expect(c.sqs.send(new GetQueueUrlCommand({ QueueName: 'does-not-exist' }))).rejects.toThrow();
    expect(c.meter.get('sqs', 'GetQueueUrl')).toMatchObject({ calls: 1, errors: 1, billingChunks: 1 });
  });

  it('records the DynamoDB capacity the service reports, as read or write units', async () => {
    c.meter.reset();
    const TableName = `meter-${Date.now()}`;
    await createPkTable(c, TableName);
    const put = await c.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, n: { N: '1' } } }));
    await c.dynamodb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: 'a' } },
        UpdateExpression: 'SET n = n + :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    const got = await c.dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } }, ConsistentRead: true }));
    expect(put.ConsumedCapacity?.CapacityUnits).toBeGreaterThan(0);
    expect(c.meter.get('dynamodb', 'PutItem')?.writeCapacityUnits).toBe(put.ConsumedCapacity?.CapacityUnits);
    expect(c.meter.get('dynamodb', 'UpdateItem')?.writeCapacityUnits).toBeGreaterThan(0);
    expect(c.meter.get('dynamodb', 'GetItem')?.readCapacityUnits).toBe(got.ConsumedCapacity?.CapacityUnits);
    expect(c.meter.get('dynamodb', 'GetItem')?.writeCapacityUnits).toBe(0);
  });

  it("leaves a caller's own ReturnConsumedCapacity setting alone", async () => {
    c.meter.reset();
    const TableName = `meter-none-${Date.now()}`;
    await createPkTable(c, TableName);
    const put = await c.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } }, ReturnConsumedCapacity: 'NONE' }));
    expect(put.ConsumedCapacity).toBeUndefined();
    expect(c.meter.get('dynamodb', 'PutItem')).toMatchObject({ calls: 1, writeCapacityUnits: 0 });
  });

  it('bills each PutEvents entry, one event per 64 KB of it, as EventBridge does', async () => {
    c.meter.reset();
    const { EventBusArn } = await c.events.send(new CreateEventBusCommand({ Name: `meter-${Date.now()}` }));
    const entry = (bytes: number) => ({
      EventBusName: EventBusArn,
      Source: 's',
      DetailType: 't',
      Detail: JSON.stringify({ x: 'a'.repeat(bytes) }),
    });
    // Three entries in one call, one of them just over 64 KB: four events, not one request.
    const r = await c.events.send(new PutEventsCommand({ Entries: [entry(10), entry(10), entry(64 * 1024)] }));
    expect(r.FailedEntryCount).toBe(0);
    expect(c.meter.get('events', 'PutEvents')).toMatchObject({ calls: 1, items: 3, billingChunks: 4 });
  });

  it('meters several clients into one shared meter, and keeps separate meters apart', async () => {
    const shared = new Meter();
    const a = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints }, shared);
    const b = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints }, shared);
    const other = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    try {
      const { TopicArn } = await a.sns.send(new CreateTopicCommand({ Name: `meter-${Date.now()}` }));
      await a.sns.send(new PublishCommand({ TopicArn, Message: '1' }));
      await b.sns.send(new PublishCommand({ TopicArn, Message: '2' }));
      await other.sns.send(new PublishCommand({ TopicArn, Message: '3' }));
      expect(shared.get('sns', 'Publish')?.calls).toBe(2);
      expect(other.meter.get('sns', 'Publish')?.calls).toBe(1);
      expect(shared.snapshot().map((s) => `${s.service}.${s.operation}`)).toEqual(['sns.CreateTopic', 'sns.Publish']);
    } finally {
      a.destroy();
      b.destroy();
      other.destroy();
    }
  });

  it("counts DynamoDB capacity by AWS's rules where the emulator does not: per transaction item, consistent reads in full", async () => {
    c.meter.reset();
    const TableName = `meter-rules-${Date.now()}`;
    await c.dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'seq', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'seq', KeyType: 'RANGE' },
        ],
      }),
    );
    const doc = DynamoDBDocumentClient.from(c.dynamodb);
    // One append as the event store makes it: the event and its outbox item, one 1.5 KB, one small.
    const big = { pk: 'o1', seq: 1, event: 'x'.repeat(1500) };
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName, Item: big } }, { Put: { TableName, Item: { pk: '#outbox', seq: 7, event: 'y' } } }],
      }),
    );
    // 2 units per KB per item: the 1.5 KB item is 2 KB → 4, the small one 1 KB → 2.
    expect(itemSize(big)).toBeGreaterThan(1024);
    expect(c.meter.get('dynamodb', 'TransactWriteItems')).toMatchObject({ calls: 1, billedCapacityUnits: 6, items: 2 });
    const consistent = await doc.send(
      new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'o1' }, ConsistentRead: true }),
    );
    const first = c.meter.get('dynamodb', 'Query')!;
    // A consistent read of up to 4 KB is one unit, whatever the emulator reports for it.
    expect(first).toMatchObject({ calls: 1, billedCapacityUnits: 1, items: 1 });
    expect(first.readCapacityUnits).toBe(consistent.ConsumedCapacity?.CapacityUnits);
    await doc.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'none' } }));
    // An eventually consistent read is half a unit, even when it returns nothing.
    expect(c.meter.get('dynamodb', 'Query')).toMatchObject({ calls: 2, billedCapacityUnits: 1.5, items: 1 });
    // Where the emulator's own figure differs (it bills a transaction by call, not by item), the meter keeps both.
    expect(c.meter.get('dynamodb', 'TransactWriteItems')!.writeCapacityUnits).not.toBe(6);
  });

  it('counts calls made inside a polling loop apart, and per-order work inside it as work; receives count their messages', async () => {
    c.meter.reset();
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: `meter-poll-${Date.now()}` }));
    await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a' }));
    await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'b' }));
    await pollingLoop(async () => {
      let got = 0;
      while (got < 2) {
        const r = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        got += r.Messages?.length ?? 0;
        // What the loop hands on is the order's own work.
        await perOrderWork(() => c.sqs.send(new SendMessageCommand({ QueueUrl: QueueUrl!, MessageBody: 'handled' })));
      }
    });
    const polled = c.meter.get('sqs', 'ReceiveMessage', true)!;
    expect(polled.polling).toBe(true);
    expect(polled.items).toBe(2);
    expect(c.meter.get('sqs', 'ReceiveMessage')).toBeUndefined();
    expect(c.meter.get('sqs', 'SendMessage')!.calls).toBe(2 + polled.calls);
    expect(c.meter.get('sqs', 'SendMessage', true)).toBeUndefined();
  });
});
