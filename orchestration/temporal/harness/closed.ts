import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, tsToMs } from '@temporalio/common';
import proto from '@temporalio/proto';

export interface Closed {
  /** The workflow's result when it completed; undefined otherwise. */
  result?: unknown;
  /** COMPLETED, or how it ended otherwise (the close event's type: WORKFLOW_EXECUTION_FAILED, ...). */
  outcome: 'COMPLETED' | string;
  /** The close event's time on the server: the workflow's closeTime. */
  closeTime: number;
  /** Why it closed otherwise, as the close event says (a failure's message, a termination's reason). */
  detail?: string;
}

const CLOSE_EVENT = proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
const EventType = proto.temporal.api.enums.v1.EventType;

/**
 * Waits for a workflow to close with ONE server-side long poll for its close
 * event, which carries both the result and the close time. The SDK's
 * handle.result() reads the same event but drops its time, so the harness
 * used to ask again (describe()) for every order: a second round trip per
 * order on the harness's CPU and the server's.
 */
export async function awaitClosed(client: Client, workflowId: string, signal?: AbortSignal): Promise<Closed> {
  let nextPageToken: Uint8Array | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId },
      waitNewEvent: true,
      historyEventFilterType: CLOSE_EVENT,
      skipArchival: true,
      ...(nextPageToken?.length ? { nextPageToken } : {}),
    });
    const event = page.history?.events?.[0];
    if (event) {
      const closeTime = event.eventTime ? tsToMs(event.eventTime) : Date.now();
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
        const payload = event.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
        return { outcome: 'COMPLETED', result: payload ? defaultPayloadConverter.fromPayload(payload) : undefined, closeTime };
      }
      const detail =
        event.workflowExecutionFailedEventAttributes?.failure?.message || event.workflowExecutionTerminatedEventAttributes?.reason;
      return {
        outcome: (EventType[event.eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, ''),
        closeTime,
        ...(detail ? { detail } : {}),
      };
    }
    // The long poll ended before the close (the server's own timeout): ask again from where it left.
    nextPageToken = page.nextPageToken ?? undefined;
  }
}
