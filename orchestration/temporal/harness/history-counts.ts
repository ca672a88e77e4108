import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { countActions } from '../actions.ts';
import { runJsonChild } from '../../../shared/runtime/json-child.ts';
import type { TemporalTarget } from '../../../shared/temporal/connection.ts';

const { temporal } = proto;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface HistoryCounts {
  /** Billable actions of every workflow (countActions). */
  actions: number;
  /** Encoded size of their histories, and how long each was open, summed: Temporal Cloud's storage. */
  historyBytes: number;
  openMsTotal: number;
}

const ms = (t: HistoryEvent['eventTime']) => (t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0);

/**
 * What the workflows' histories bill, counted page by page as the server hands them
 * over: a history is never held whole (the SDK's fetchHistory() gathers every page,
 * and encoding it again for its size doubled that), so after 2,000 orders the harness
 * keeps three numbers, not 2,000 histories' worth of garbage in quick succession.
 * Counting is additive per event, and a history's encoding is its events' encodings
 * one after another, so the sums equal those of countActions and historyStorage on
 * the whole history.
 */
export async function countHistories(
  client: Client,
  workflowIds: Iterable<string>,
  /** Events per page; the server's default (1,000) unless a test asks for more pages. */
  pageSize?: number,
): Promise<HistoryCounts> {
  const counts: HistoryCounts = { actions: 0, historyBytes: 0, openMsTotal: 0 };
  for (const workflowId of workflowIds) {
    let first: number | undefined;
    let last: number | undefined;
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId },
        skipArchival: true,
        ...(pageSize ? { maximumPageSize: pageSize } : {}),
        ...(nextPageToken?.length ? { nextPageToken } : {}),
      });
      const events = page.history?.events ?? [];
      counts.actions += countActions(events).total;
      counts.historyBytes += temporal.api.history.v1.History.encode({ events }).finish().length;
      if (events.length) {
        first ??= ms(events[0]!.eventTime);
        last = ms(events[events.length - 1]!.eventTime);
      }
      nextPageToken = page.nextPageToken ?? undefined;
    } while (nextPageToken?.length);
    if (first !== undefined && last !== undefined) counts.openMsTotal += Math.max(0, last - first);
  }
  return counts;
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'history-counts-main.ts');

/**
 * countHistories over a connection of a short-lived child process. Reading 2,000
 * histories, one call each, took the harness's resident size from 179 to 326 MB
 * (about 85 MB of it outside V8: the gRPC channel's buffers and memory the
 * allocator keeps), and none of it was given back; a child's is, when it exits.
 */
export function countHistoriesInChild(target: TemporalTarget, workflowIds: Iterable<string>): Promise<HistoryCounts> {
  return runJsonChild<HistoryCounts>(CHILD, { target, workflowIds: [...workflowIds] }, "counting the Temporal workflows' histories");
}
