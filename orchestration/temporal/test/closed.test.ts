import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { connectClient, resolveTemporalTarget } from '../../../shared/temporal/connection.ts';
import { awaitClosed } from '../harness/closed.ts';

describe("a workflow's close, as the harness reads it", () => {
  const substrate = inject('substrate');
  let client: Client;
  let connection: Connection;
  beforeAll(async () => {
    ({ client, connection } = await connectClient(
      resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace }),
    ));
  });
  afterAll(async () => {
    await connection.close();
  });

  it('gives a close that is no outcome with why it happened (here a termination and its reason)', async () => {
    // No worker polls this queue: the workflow never runs, and the server closes it when told to.
    const workflowId = `closed-${Date.now()}`;
    const handle = await client.workflow.start('orderSaga', { taskQueue: `nobody-${workflowId}`, workflowId, args: [{}] });
    const closed = awaitClosed(client, workflowId);
    await handle.terminate('stopped by the test');
    expect(await closed).toMatchObject({ outcome: 'WORKFLOW_EXECUTION_TERMINATED', detail: 'stopped by the test' });
  });
});
