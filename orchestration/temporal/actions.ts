import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface BillableActions {
  workflowStarts: number;
  /** Every attempt counts, retries included. */
  activityAttempts: number;
  signals: number;
  timers: number;
  total: number;
}

/**
 * Temporal Cloud actions of one workflow, from its history: the start, each
 * activity attempt (the Started event carries the attempt that completed or
 * finally failed, so attempts = its `attempt`), each signal and timer. Queries
 * are billed too but leave no history; the caller counts those it sends.
 */
export function countActions(events: HistoryEvent[]): BillableActions {
  let workflowStarts = 0;
  let activityAttempts = 0;
  let signals = 0;
  let timers = 0;
  for (const e of events) {
    if (e.workflowExecutionStartedEventAttributes) workflowStarts++;
    if (e.activityTaskStartedEventAttributes) activityAttempts += e.activityTaskStartedEventAttributes.attempt ?? 1;
    if (e.workflowExecutionSignaledEventAttributes) signals++;
    if (e.timerStartedEventAttributes) timers++;
  }
  return { workflowStarts, activityAttempts, signals, timers, total: workflowStarts + activityAttempts + signals + timers };
}
