import { z } from 'zod';

/** What `provision` created and every choreography process needs to find it. */
export const choreographyConfigSchema = z.object({
  prefix: z.string(),
  endpoints: z.object({ sqs: z.string(), sns: z.string(), sfn: z.string(), dynamodb: z.string() }),
  topicArn: z.string(),
  queues: z.record(z.string(), z.object({ consumer: z.string(), url: z.string(), arn: z.string(), dlqUrl: z.string() })),
  tables: z.object({
    orders: z.string(),
    orderEvents: z.string(),
    claimChecks: z.string(),
    inventory: z.string(),
    payments: z.string(),
    shipments: z.string(),
    notifications: z.string(),
  }),
  traceDir: z.string(),
});
export type ChoreographyConfig = z.infer<typeof choreographyConfigSchema>;
