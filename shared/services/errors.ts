/**
 * A failure worth retrying (the simulated bank or carrier was briefly
 * unavailable). Coordinators retry it with RETRY_POLICY; once attempts run out
 * it becomes the step's permanent failure.
 */
export class TransientError extends Error {
  constructor(
    readonly step: string,
    readonly attempt: number,
  ) {
    super(`${step}: transient failure on attempt ${attempt}`);
    this.name = 'TransientError';
  }
}
