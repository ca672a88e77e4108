import { z } from 'zod';
import { endpointsSchema } from '../shared/aws/clients.ts';
import { tableNamesSchema } from '../shared/topology/tables.ts';

/** What `provision` created and every choreography process needs to find it. */
export const choreographyConfigSchema = z.object({
  prefix: z.string(),
  endpoints: endpointsSchema,
  /** The SNS topic or EventBridge bus ARN the services publish on. */
  busArn: z.string(),
  queues: z.record(z.string(), z.object({ consumer: z.string(), url: z.string(), arn: z.string(), dlqUrl: z.string() })),
  tables: tableNamesSchema,
  traceDir: z.string(),
});
export type ChoreographyConfig = z.infer<typeof choreographyConfigSchema>;
