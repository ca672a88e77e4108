import fs from 'node:fs';
import path from 'node:path';
import { mergeCounts, type OperationCount } from '../aws/metering.ts';
import type { OrderDocument } from '../domain/contracts.ts';
import type { TracePoint } from '../messaging/trace.ts';
import type { TableNames } from '../topology/tables.ts';
import type { LoadTarget, TargetReport } from './load-target.ts';
import type { ProcessGroup } from '../runtime/process-group.ts';

/** What a variant reports besides its calls: the engine-side counts its bill depends on. */
export interface VariantReport extends TargetReport {
  stepFunctions?: {
    type: 'STANDARD' | 'EXPRESS';
    executions: number;
    transitions: number;
    /** Task attempts, retries included: one Lambda invocation each on AWS. */
    taskAttempts: number;
    /** What the execution log (ALL events, no execution data) receives. */
    logBytes: number;
    /** Sum of start-to-stop times, what EXPRESS would bill. */ durationMsTotal: number;
  };
  temporal?: {
    actions: number;
    workflows: number;
    /** Encoded size of the workflows' histories, and how long they were open: Temporal Cloud's storage. */
    historyBytes: number;
    openMsTotal: number;
  };
  /** A durable-functions saga's executions in AWS's billing units (Lambda durable functions). */
  durable?: {
    executions: number;
    /** Durable operations as AWS bills them: each step attempt, retries included. */
    operations: number;
    /** Step attempts after a retry delay: each is one more invocation of the function on AWS. */
    retries: number;
    /** Checkpointed data: each execution's input and its steps' results. */
    dataWrittenBytes: number;
    /** Operations the executions' histories name (each step once), as a cross-check of `operations`. */
    checkpointed: number;
    /** Payloads the histories held cut short (AWS's size limit): `dataWrittenBytes` is then a lower bound. */
    truncatedPayloads?: number;
  };
  /**
   * `--target aws`: the functions' invocations and billed duration from their REPORT lines, which
   * the cost model prices in place of the handler times the local traces give.
   */
  lambda?: { tracedRuns: number; durationMsTotal: number; memoryMb: number; arch: 'arm64' | 'x86_64' };
  /** `--target aws`: what the provider counted (cold starts kept apart) and how each count was had. */
  provider?: {
    coldStarts: { invocations: number; coldStarts: number; initMsTotal: number };
    /** One line per count: its source, or how it was derived and why. */
    sources: string[];
  };
  /** Queues, topics, state machines and task queues the variant used. */
  channels: string[];
  /** Dead-letter queues whose contents the run lists afterwards. */
  dlqs: string[];
  /** How the saga's tasks are bound here (e.g. "sqs-callback" locally, "lambda" on AWS). */
  binding: string;
  processes: number;
  /** Meter and trace writes that failed in the variant's processes: observation only, outcomes unaffected. */
  observationFailures?: number;
  /** Duplicate deliveries the variant's processes actually sent under the duplicate fault. */
  duplicatesSent?: number;
}

export interface VariantTarget extends LoadTarget<OrderDocument> {
  name: string;
  tables: TableNames;
  /** Submits the same order again, as a client retry would; the variant must not run it twice. */
  submitDuplicate(order: OrderDocument): Promise<void>;
  /** Its processes, for the crash and pause faults; `faultProcess` is the one they hit. */
  group: ProcessGroup;
  faultProcess: string;
  /** Queues its services consume, where poison can be put; none for Temporal (its server owns delivery). */
  workQueues: string[];
  /** Their dead-letter queues. */
  dlqs: string[];
  stop(): Promise<VariantReport>;
}

/** Meter files (`*.meter.json`) and trace files (`*.jsonl`) the processes wrote into `dir`. */
export function readProcessReports(dir: string): {
  metered: OperationCount[];
  traces: TracePoint[];
  observationFailures: number;
  /** Always counted here; optional for the deployed targets' reports, whose host cannot count them. */
  duplicatesSent?: number;
} {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const meters = files
    .filter((f) => f.endsWith('.meter.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as OperationCount[]);
  let cut = 0;
  const traces = files
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap((l) => {
          // A line cut short by a full disk is one lost trace point, not a failed run.
          try {
            return [JSON.parse(l) as TracePoint];
          } catch {
            cut++;
            return [];
          }
        }),
    );
  // Written only by a process whose meter or trace writes failed (best effort, see flushMeterEvery).
  const observationFailures = files
    .filter((f) => f.endsWith('.observation.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { meterWrites: number; traceWrites: number })
    .reduce((n, o) => n + o.meterWrites + o.traceWrites, cut);
  const duplicatesSent = files
    .filter((f) => f.endsWith('.faults.json'))
    .reduce((n, f) => n + (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { duplicates: number }).duplicates, 0);
  return { metered: mergeCounts(...meters), traces, observationFailures, duplicatesSent };
}

/** Each process's meter file in `dir` as it stands: a deployment's processes keep counting across runs. */
export function readMeterFiles(dir: string): Map<string, OperationCount[]> {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.meter.json')) : [];
  return new Map(files.map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as OperationCount[]]));
}

/**
 * What a deployment's processes counted since `before` (a readMeterFiles snapshot): each
 * file's counts less that file's counts then (a process started since counts from zero).
 */
export function countedSince(dir: string, before: Map<string, OperationCount[]>): OperationCount[] {
  const now = readMeterFiles(dir);
  const negated = [...now.keys()].flatMap((f) =>
    (before.get(f) ?? []).map(({ service, operation, polling, ...counts }) => ({
      service,
      operation,
      polling,
      ...(Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, -v])) as Omit<OperationCount, 'service' | 'operation' | 'polling'>),
    })),
  );
  return mergeCounts([...now.values()].flat(), negated).filter((c) => c.calls !== 0 || c.errors !== 0);
}
