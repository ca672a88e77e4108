import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';

// The worker's half (NativeConnection, the Rust runtime) is in worker-connection.ts: the harness only
// starts and watches workflows, and @temporalio/worker with its native bridge was ~5 MB of its heap,
// which every full GC of a measured level marks again.

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** Temporal Cloud API key; implies TLS. */
  apiKey?: string;
  tls?: boolean | { clientCertPair?: { crt: Buffer; key: Buffer }; serverNameOverride?: string };
}

/**
 * Where to find Temporal. An explicit local address (the substrate) wins;
 * otherwise Temporal's own environment configuration decides: TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_CLIENT_CERT_PATH, ... and the
 * TOML profile file, exactly as the temporal CLI reads them.
 */
export function resolveTemporalTarget(local?: { address: string; namespace: string }, env = process.env): TemporalTarget {
  if (local) return { address: local.address, namespace: local.namespace };
  const cfg = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  const opts = cfg.connectionOptions;
  if (!opts.address) {
    throw new Error('No Temporal address: start the local substrate (npx sagabench local up) or set TEMPORAL_ADDRESS.');
  }
  return {
    address: opts.address,
    namespace: cfg.namespace ?? 'default',
    ...(opts.apiKey && typeof opts.apiKey === 'string' ? { apiKey: opts.apiKey } : {}),
    ...(opts.tls !== undefined && opts.tls !== null ? { tls: opts.tls as TemporalTarget['tls'] } : {}),
  };
}

export function connectionOptions(t: TemporalTarget) {
  return {
    address: t.address,
    ...(t.apiKey ? { apiKey: t.apiKey, tls: t.tls ?? true } : t.tls ? { tls: t.tls } : {}),
  };
}

/** A Client (starts, signals, queries workflows) and the connection to close after. */
export async function connectClient(t: TemporalTarget): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect(connectionOptions(t));
  return { client: new Client({ connection, namespace: t.namespace }), connection };
}
