import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../aws/clients.ts';
import { probeFanout } from '../probes/fanout.ts';
import { probeSqs } from '../probes/sqs.ts';
import { probeDynamo } from '../probes/dynamodb.ts';
import { probeStepFunctions } from '../probes/stepfunctions.ts';
import { probeTemporal } from '../probes/temporal.ts';
import { resolveTemporalTarget } from '../../temporal/connection.ts';

// Each primitive a variant will stand on, exercised through the real SDKs against
// the real local engines; the meter must have seen every call the probe made.
describe('local substrate primitives', () => {
  const substrate = inject('substrate');
  let clients: AwsClients;
  beforeAll(() => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => clients.destroy());

  it('fans SNS out to two SQS queues by filter policy on message attributes, with raw delivery', async () => {
    clients.meter.reset();
    const r = await probeFanout(clients);
    expect(r.received.inventory).toEqual(['{"type":"OrderPlaced"}']);
    expect(r.received.payments).toEqual(['{"type":"InventoryReserved"}']);
    expect(r.rawDelivery).toBe(true);
    expect(clients.meter.get('sns', 'Publish')?.calls).toBe(3);
    expect(clients.meter.get('sns', 'Subscribe')?.calls).toBe(2);
    expect(clients.meter.get('sns', 'CreateTopic')?.calls).toBe(1);
    expect(clients.meter.get('sqs', 'CreateQueue')?.calls).toBe(2);
    expect(clients.meter.get('sqs', 'DeleteMessageBatch')?.calls).toBe(2);
  });

  it('hides a received message for the visibility timeout, redrives it to the DLQ after maxReceiveCount, and batch-deletes', async () => {
    clients.meter.reset();
    const r = await probeSqs(clients);
    expect(r).toEqual({
      hiddenWhileInvisible: true,
      redeliveredAfterTimeout: true,
      receiveCountOnRedelivery: 2,
      movedToDlqAfterMaxReceives: true,
      visibleAgainAfterChangeVisibility: true,
      batchSent: 10,
      batchDeleted: 11,
      leftAfterBatchDelete: 0,
    });
    expect(clients.meter.get('sqs', 'ChangeMessageVisibility')?.calls).toBe(1);
    expect(clients.meter.get('sqs', 'SendMessageBatch')?.calls).toBe(1);
    expect(clients.meter.get('sqs', 'SendMessage')?.calls).toBe(2);
    expect(clients.meter.get('sqs', 'CreateQueue')?.calls).toBe(2);
  });

  it('rejects a duplicate conditional write in DynamoDB and reports consumed capacity', async () => {
    clients.meter.reset();
    const r = await probeDynamo(clients);
    expect(r.duplicateRejected).toBe(true);
    expect(r.storedValue).toBe('first');
    const puts = clients.meter.get('dynamodb', 'PutItem');
    expect(puts?.calls).toBe(2);
    expect(puts?.errors).toBe(1);
    expect(puts?.writeCapacityUnits).toBe(r.consumedWriteUnits);
    expect(r.consumedWriteUnits).toBeGreaterThan(0);
  });

  it('runs a STANDARD state machine whose callback task is answered by a worker in another process, with Retry and Catch', async () => {
    clients.meter.reset();
    const r = await probeStepFunctions(clients);
    expect(r.workerPid).not.toBe(process.pid);
    expect(r.happy.status).toBe('SUCCEEDED');
    expect(r.transient.status).toBe('SUCCEEDED');
    expect((r.transient.output as { charge: { attempt: number } }).charge.attempt).toBe(2);
    expect(r.permanent.status).toBe('FAILED');
    expect(r.permanent.error).toBe('OrderCancelled');
    expect(r.permanent.statesEntered).toEqual(['Charge', 'Compensate', 'Cancelled']);
    expect(r.happy.eventTypes).toEqual(
      expect.arrayContaining([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]),
    );
    expect(r.permanent.eventTypes).toContain('TaskFailed');
    expect(clients.meter.get('sfn', 'StartExecution')?.calls).toBe(3);
    expect(clients.meter.get('sfn', 'GetExecutionHistory')?.calls).toBe(3);
    // One task message per attempt (1 + 2 + 1), each with its own token, each answered once:
    // the substrate's moto launcher gives every Retry attempt a fresh token, as AWS does.
    const answered = ['SendTaskSuccess', 'SendTaskFailure']
      .map((op) => r.workerMeter.find((m) => m.service === 'sfn' && m.operation === op)?.calls ?? 0)
      .reduce((a, b) => a + b, 0);
    expect(r.tasksHandled).toBe(4);
    expect(answered).toBe(4);
    expect(r.staleTokens).toBe(0);
    expect(r.transient.taskFailures).toEqual([{ error: 'Transient', cause: 'attempt 1' }]);
    expect(r.permanent.taskFailures).toEqual([{ error: 'PaymentDeclined', cause: 'probe' }]);
  });

  it('runs a Temporal workflow of two activities on a Worker and retries a failed activity', async () => {
    const r = await probeTemporal(resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace }));
    expect(r.result.reserved).toMatch(/^reserved:order-/);
    expect(r.result.chargeAttempt).toBe(2);
    expect(r.activityTasksStarted).toBe(2);
    expect(r.activityAttemptsOfCharge).toBe(2);
  });
});
