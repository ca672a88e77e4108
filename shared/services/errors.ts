/**
 * A failure worth retrying (the simulated bank or carrier was briefly
 * unavailable). Coordinators retry it with RETRY_POLICY; once attempts run out
 * it becomes the step's permanent failure.
 */
export class TransientError extends Error {
  readonly step: string;
  readonly attempt: number;
  constructor(step: string, attempt: number) {
    super(`${step}: transient failure on attempt ${attempt}`);
    this.step = step;
    this.attempt = attempt;
    this.name = 'TransientError';
  }
}
