import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { OUTPUTS } from '../../../shared/topology/outputs.ts';
import type { Deployable } from '../../../shared/variant/deploy.ts';
import { startWorkerProcesses } from '../../workers.ts';
import { provisionLocalTemporal } from '../local.ts';

export const resourcesSchema = z
  .object({
    variant: z.literal('temporal'),
    taskQueue: z.string(),
    /** Local: the dev server. On AWS the worker reads these from the secret; the harness from TEMPORAL_* (envconfig). */
    address: z.string().optional(),
    namespace: z.string().optional(),
    /** AWS: the Secrets Manager secret (name or ARN) the worker reads. */
    secret: z.string().optional(),
    clusterName: z.string().optional(),
    serviceName: z.string().optional(),
  })
  .strict();
type Resources = z.infer<typeof resourcesSchema>;

export const deployable: Deployable<'temporal', Resources> = {
  stack: 'temporal-worker',
  // The worker runs on ECS Fargate from an image cdk deploy builds.
  async cdkStack() {
    const { TemporalWorkerStack } = await import('./stack.ts');
    return (scope, id, p) =>
      new TemporalWorkerStack(scope, id, {
        prefix: p.prefix,
        stackName: p.stackName,
        tables: p.tables,
        temporalSecret: p.settings.temporalSecret,
        containerInsights: p.settings.containerInsights,
        description: p.describe('Temporal worker on ECS Fargate'),
      });
  },
  needsDocker: true,
  resources: resourcesSchema,
  fromOutputs: (out) => ({
    variant: 'temporal',
    taskQueue: out(OUTPUTS.taskQueue),
    secret: out(OUTPUTS.secretName),
    clusterName: out(OUTPUTS.clusterName),
    serviceName: out(OUTPUTS.serviceName),
  }),
  // Its activities run in the worker on ECS, not in Lambda: no function, topic or queue of its own.
  provider: () => ({ functions: [], topics: [], queues: [] }),
  local: {
    async provision({ clients, prefix, temporal, traceDir }) {
      fs.mkdirSync(traceDir, { recursive: true });
      const { tables, taskQueue } = await provisionLocalTemporal(clients, prefix);
      return { tables, resources: { variant: 'temporal', taskQueue, address: temporal.address, namespace: temporal.namespace }, traceDir };
    },
    start({ tables, resources: r, endpoints, traceDir }) {
      if (!r.address || !r.namespace) throw new Error('a local Temporal deployment records the dev server address and namespace');
      return startWorkerProcesses({
        kind: 'temporal',
        endpoints,
        tables,
        temporal: { address: r.address, namespace: r.namespace },
        taskQueue: r.taskQueue,
        meterFile: path.join(traceDir, 'worker-{pid}.meter.json'),
        // Traced as in a benchmark's own run, so `bench --deployed` can attribute its orders' time.
        traceFile: path.join(traceDir, 'worker-{pid}.jsonl'),
      });
    },
    // The dev server keeps nothing for a task queue; the tables go with the deployment record.
    deprovision: async () => {},
    describe: (r) => `task queue ${r.taskQueue} on ${r.address}`,
    scripts: [path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'worker-main.ts')],
  },
};
