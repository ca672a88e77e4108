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
      temporal: z.object({ address: z.string(), namespace: z.string() }),
      taskQueue: z.string(),
      maxConcurrentActivityTaskExecutions: z.number().int().positive().optional(),
      maxConcurrentWorkflowTaskExecutions: z.number().int().positive().optional(),
    })
    .strict(),
]);
export type WorkerConfig = z.infer<typeof workerConfigSchema>;
