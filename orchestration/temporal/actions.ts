// A CommonJS package: its namespace comes through the default export under Node's ESM loader.
import proto from '@temporalio/proto';

const { temporal } = proto;

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface BillableActions {
  workflowStarts: number;
  /** Activities scheduled (each one action) and their retries (each attempt after the first, one more). */
  activitiesScheduled: number;
  activityRetries: number;
  signals: number;
  timers: number;
  /** Markers (local activities), search-attribute upserts; a child workflow start counts two. */
  other: number;
  total: number;
}

/**
 * Temporal Cloud actions of one workflow, from its history, as Temporal's "Actions"
 * page (https://docs.temporal.io/cloud/actions) maps them to events: the start;
 * each ActivityTaskScheduled; each retry, which leaves no event of its own, read from
 * the Started event's `attempt` (minus the first); each signal, timer, marker and
 * search-attribute upsert; two per child workflow start. Queries and heartbeats
 * leave no history: the caller counts those it sends (this saga sends none).
 */
export function countActions(events: HistoryEvent[]): BillableActions {
  const a = { workflowStarts: 0, activitiesScheduled: 0, activityRetries: 0, signals: 0, timers: 0, other: 0 };
  for (const e of events) {
    if (e.workflowExecutionStartedEventAttributes) a.workflowStarts++;
    if (e.activityTaskScheduledEventAttributes) a.activitiesScheduled++;
    if (e.activityTaskStartedEventAttributes) a.activityRetries += Math.max(0, (e.activityTaskStartedEventAttributes.attempt ?? 1) - 1);
    if (e.workflowExecutionSignaledEventAttributes) a.signals++;
    if (e.timerStartedEventAttributes) a.timers++;
    if (e.markerRecordedEventAttributes || e.upsertWorkflowSearchAttributesEventAttributes) a.other++;
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) a.other += 2;
  }
  return { ...a, total: a.workflowStarts + a.activitiesScheduled + a.activityRetries + a.signals + a.timers + a.other };
}

const ms = (t: HistoryEvent['eventTime']) => (t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0);

/**
 * What a workflow's history takes in Temporal Cloud's storage: its encoded size, and
 * how long it was open (active storage) before it closed (retained storage after).
 */
export function historyStorage(events: HistoryEvent[]): { bytes: number; openMs: number } {
  const bytes = temporal.api.history.v1.History.encode({ events }).finish().length;
  const openMs = events.length ? Math.max(0, ms(events[events.length - 1]!.eventTime) - ms(events[0]!.eventTime)) : 0;
  return { bytes, openMs };
}
