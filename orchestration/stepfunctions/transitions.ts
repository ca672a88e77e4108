import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * Billable state transitions of a STANDARD execution, from its history: every
 * state entered, plus every retry of a Task (AWS counts a retry as a transition).
 */
export function countStateTransitions(events: HistoryEvent[]): number {
  let entered = 0;
  let scheduled = 0;
  let taskEntries = 0;
  for (const e of events) {
    if (e.type?.endsWith('StateEntered')) entered++;
    if (e.type === 'TaskStateEntered') taskEntries++;
    if (e.type === 'TaskScheduled') scheduled++;
  }
  return entered + Math.max(0, scheduled - taskEntries);
}
