import { z } from 'zod';
import { endpointsSchema } from '../shared/aws/clients.ts';
import { tableNamesSchema } from '../shared/topology/tables.ts';

const tables = tableNamesSchema;
const endpoints = endpointsSchema;
/** Where the process leaves what it did, for the benchmark: its metered AWS calls (on exit) and its trace points. */
const reporting = { meterFile: z.string().optional(), traceFile: z.string().optional() };

/** What an orchestration worker process needs: where the engines are and which tables and queue it serves. */
export const workerConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stepfunctions'), endpoints, tables, queueUrl: z.string(), ...reporting }).strict(),
  z
    .object({
      kind: z.literal('temporal'),
      endpoints,
      tables,
      /** Omitted: Temporal's own environment configuration decides (TEMPORAL_ADDRESS, TEMPORAL_API_KEY, ...), e.g. Temporal Cloud. */
      temporal: z.object({ address: z.string(), namespace: z.string() }).optional(),
      taskQueue: z.string(),
      ...reporting,
      maxConcurrentActivityTaskExecutions: z.number().int().positive().optional(),
      maxConcurrentWorkflowTaskExecutions: z.number().int().positive().optional(),
    })
    .strict(),
]);
export type WorkerConfig = z.infer<typeof workerConfigSchema>;
