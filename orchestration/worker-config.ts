import { z } from 'zod';

const tables = z.object({
  orders: z.string(),
  orderEvents: z.string(),
  claimChecks: z.string(),
  inventory: z.string(),
  payments: z.string(),
  shipments: z.string(),
  notifications: z.string(),
});
const endpoints = z.object({ sqs: z.string(), sns: z.string(), sfn: z.string(), dynamodb: z.string() });

/** What an orchestration worker process needs: where the engines are and which tables and queue it serves. */
export const workerConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stepfunctions'), endpoints, tables, queueUrl: z.string() }).strict(),
  z
    .object({
      kind: z.literal('temporal'),
      endpoints,
      tables,
      /** Omitted: Temporal's own environment configuration decides (TEMPORAL_ADDRESS, TEMPORAL_API_KEY, ...), e.g. Temporal Cloud. */
      temporal: z.object({ address: z.string(), namespace: z.string() }).optional(),
      taskQueue: z.string(),
      maxConcurrentActivityTaskExecutions: z.number().int().positive().optional(),
      maxConcurrentWorkflowTaskExecutions: z.number().int().positive().optional(),
    })
    .strict(),
]);
export type WorkerConfig = z.infer<typeof workerConfigSchema>;
