import { connectClient, type TemporalTarget } from '../../../shared/temporal/connection.ts';
import { serveJsonChild } from '../../../shared/runtime/json-child.ts';
import { countHistories, type HistoryCounts } from './history-counts.ts';

/** countHistories in a process of its own: see countHistoriesInChild. */
serveJsonChild<{ target: TemporalTarget; workflowIds: string[] }, HistoryCounts>(async ({ target, workflowIds }) => {
  // A client certificate crossed the pipe as JSON: its Buffers arrive as { type, data }.
  const pair = typeof target.tls === 'object' ? target.tls.clientCertPair : undefined;
  if (pair) pair.crt = Buffer.from((pair.crt as unknown as { data: number[] }).data);
  if (pair) pair.key = Buffer.from((pair.key as unknown as { data: number[] }).data);
  const { client, connection } = await connectClient(target);
  try {
    return await countHistories(client, workflowIds);
  } finally {
    await connection.close();
  }
});
