import { describe, expect, inject, it } from 'vitest';
import { connectClient, resolveTemporalTarget } from '../connection.ts';

describe('Temporal connection factory', () => {
  it('prefers the local substrate address when given', () => {
    expect(resolveTemporalTarget({ address: '127.0.0.1:7233', namespace: 'default' }, { TEMPORAL_ADDRESS: 'elsewhere:7233' })).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
    });
  });

  it('reads a Temporal Cloud address, namespace and API key from the environment, with TLS on', () => {
    const t = resolveTemporalTarget(undefined, {
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'sagabench.a1b2c',
      TEMPORAL_API_KEY: 'key-123',
      TEMPORAL_CONFIG_FILE: '/nonexistent.toml',
    });
    expect(t).toEqual({ address: 'us-east-1.aws.api.temporal.io:7233', namespace: 'sagabench.a1b2c', apiKey: 'key-123', tls: true });
  });

  it('says what to do when no address is configured', () => {
    expect(() => resolveTemporalTarget(undefined, { TEMPORAL_CONFIG_FILE: '/nonexistent.toml' })).toThrow(/TEMPORAL_ADDRESS/);
  });

  it('connects through the environment to the local dev server', async () => {
    const substrate = inject('substrate');
    const target = resolveTemporalTarget(undefined, {
      TEMPORAL_ADDRESS: substrate.temporal.address,
      TEMPORAL_CONFIG_FILE: '/nonexistent.toml',
    });
    const { client, connection } = await connectClient(target);
    try {
      const ns = await client.workflowService.describeNamespace({ namespace: 'default' });
      expect(ns.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });
});
