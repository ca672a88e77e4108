import { Connection } from '@temporalio/client';
import { venvBin, logFile } from '../paths.ts';
import { assertPortFree, isRunning, listensOn, startDetached, waitFor, type Announce, type StartedProcess } from './processes.ts';

export interface TemporalOptions {
  port: number;
  ui: boolean;
  uiPort: number;
}

/**
 * Dynamic config a benchmark needs: no version check (no internet here), and
 * request-rate limits well above what one dev server can serve, so the limiter
 * never becomes the thing being measured.
 */
export const TEMPORAL_DYNAMIC_CONFIG: Record<string, string> = {
  'frontend.enableServerVersionCheck': 'false',
  'frontend.rps': '20000',
  'frontend.namespaceRPS': '20000',
  'frontend.namespaceRPS.visibility': '2000',
  'history.rps': '20000',
  'matching.rps': '20000',
};

export async function checkTemporalPorts(opts: TemporalOptions): Promise<void> {
  await assertPortFree(opts.port, 'Temporal frontend gRPC');
  if (opts.ui) await assertPortFree(opts.uiPort, 'Temporal Web UI');
}

export function startTemporal(opts: TemporalOptions, instance: string, announce?: Announce): StartedProcess {
  const args = [
    venvBin('temporal'),
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--log-level',
    'warn',
    ...(opts.ui ? ['--ui-port', String(opts.uiPort), '--ui-disable-news-fetch'] : ['--headless']),
    ...Object.entries(TEMPORAL_DYNAMIC_CONFIG).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${v}`]),
  ];
  return startDetached(args, logFile(instance, 'temporal'), announce ? { announce } : {});
}

export async function temporalAnswers(address: string, namespace = 'default'): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}

export async function waitForTemporal(p: StartedProcess, address: string): Promise<void> {
  // Startup can exceed the SDK's own 5 s wait on a loaded 2-core machine.
  // Only our own server's answer counts (see startMoto): another on the port would answer too.
  const port = Number(address.split(':').pop());
  await waitFor(`Temporal dev server (${address})`, async () => listensOn(p.pid, port) && (await temporalAnswers(address)), {
    timeoutMs: 60_000,
    alive: () => isRunning(p.pid),
    log: p.log,
  });
}
