import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessGroup } from '../runtime/process-group.ts';
import { countedSince, readMeterFiles, readProcessReports } from './target.ts';

/** Each process writes its meter every second: waiting longer than that, one more write holds every call of the run. */
const METER_FLUSH_WAIT_MS = 2500;

/** What a deployed target knows of the deployment's processes: they are its host's, not the run's. */
export interface DeploymentProcesses {
  /** Empty: the processes are the deployment's host's, not this run's to stop or to fault. */
  group: ProcessGroup;
  processes: number;
  /** The target adds every order id it places; the report keeps only their traces. */
  placed: Set<string>;
  stop(): Promise<void>;
  report(): ReturnType<typeof readProcessReports>;
}

/**
 * The processes of a recorded local deployment (`bench --deployed`), which keep counting
 * across runs: this run's calls are their meter files' growth since now, read after one
 * more flush, and its traces those of the orders it placed (the folder holds earlier runs').
 */
export async function deploymentProcesses(traceDir: string): Promise<DeploymentProcesses> {
  const before = readMeterFiles(traceDir);
  const placed = new Set<string>();
  return {
    group: await ProcessGroup.start([]),
    processes: before.size,
    placed,
    stop: () => sleep(METER_FLUSH_WAIT_MS),
    report: () => {
      const all = readProcessReports(traceDir);
      return {
        metered: countedSince(traceDir, before),
        traces: all.traces.filter((t) => placed.has(t.orderId)),
        observationFailures: all.observationFailures,
      };
    },
  };
}
