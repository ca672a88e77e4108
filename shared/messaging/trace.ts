import fs from 'node:fs';

export interface TracePoint {
  orderId: string;
  step: string;
  service: string;
  start: number;
  end: number;
  attempt?: number;
  /** Milliseconds of the step spent in AWS calls, by service (the rest is the handler's own). */
  io?: Record<string, number>;
  /** Milliseconds the answer to the engine took after the step (Step Functions' SendTaskSuccess/Failure). */
  answerMs?: number;
}

/** Where each step's start and end go, for the harness's timelines. */
export interface TraceSink {
  record(point: TracePoint): void;
}

/**
 * One JSON line per step, appended; one file per process avoids interleaved writes.
 * Best effort: a write that fails (a full disk) is counted, never thrown, since a
 * step that did its work must not look failed for want of its trace line (a
 * failed step would be compensated or redelivered).
 */
export class FileTraceSink implements TraceSink {
  failed = 0;
  lastError: string | undefined;
  private readonly file: string;
  constructor(file: string) {
    this.file = file;
  }
  record(point: TracePoint): void {
    try {
      fs.appendFileSync(this.file, `${JSON.stringify(point)}\n`);
    } catch (err) {
      this.failed++;
      this.lastError = (err as Error).message;
    }
  }
}
