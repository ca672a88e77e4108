import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { connectionOptions, type TemporalTarget } from './connection.ts';

/** The connection a Worker polls through. */
export async function connectWorker(t: TemporalTarget): Promise<NativeConnection> {
  return await NativeConnection.connect(connectionOptions(t));
}

let runtimeInstalled = false;

/**
 * Worker logs go to stderr at `level` (default WARN): the SDK's INFO lines per
 * bundle and state change would drown a benchmark's output. The runtime can be
 * installed once per process, before the first Worker.
 */
export function installWorkerRuntime(level: LogLevel = (process.env.SAGABENCH_TEMPORAL_LOG_LEVEL as LogLevel) ?? 'WARN'): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Not SIGINT: a worker process leaves Ctrl-C to its parent, which stops it once the orders in flight finish.
  Runtime.install({ logger: new DefaultLogger(level), shutdownSignals: ['SIGTERM'] });
}
