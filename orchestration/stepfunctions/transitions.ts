import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * Billable state transitions of a STANDARD execution, from its history: every
 * state entered, plus every retry of a Task (AWS counts a retry as a transition).
 * An attempt is logged as `TaskScheduled` by a service integration (the local
 * callback binding) and as `LambdaFunctionScheduled` by the Lambda binding on AWS:
 * both are counted, so retries are not missed on either.
 */
export function countStateTransitions(events: HistoryEvent[]): number {
  let entered = 0;
  let scheduled = 0;
  let taskEntries = 0;
  for (const e of events) {
    if (e.type?.endsWith('StateEntered')) entered++;
    if (e.type === 'TaskStateEntered') taskEntries++;
    if (e.type === 'TaskScheduled' || e.type === 'LambdaFunctionScheduled') scheduled++;
  }
  return entered + Math.max(0, scheduled - taskEntries);
}

/** Task attempts (each one Lambda invocation on AWS), retries included. */
export function countTaskAttempts(events: HistoryEvent[]): number {
  return events.filter((e) => e.type === 'TaskScheduled' || e.type === 'LambdaFunctionScheduled').length;
}

/**
 * Bytes the state machine's log group receives for one execution: its stack logs
 * every history event (LogLevel.ALL) without execution data, so each event is
 * one log record minus its input and output.
 */
export function loggedBytes(events: HistoryEvent[]): number {
  const strip = (_k: string, v: unknown) =>
    _k === 'input' || _k === 'output' || _k === 'inputDetails' || _k === 'outputDetails' ? undefined : v;
  return events.reduce((s, e) => s + Buffer.byteLength(JSON.stringify(e, strip)), 0);
}
