import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { DeleteTopicCommand, ListSubscriptionsByTopicCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { ignoreMissing } from '../../shared/aws/not-found.ts';
import { SERVICES } from '../../shared/domain/contracts.ts';
import { choreographyTopology } from '../../shared/topology/choreography.ts';
import { OUTPUTS } from '../../shared/topology/outputs.ts';
import type { Deployable } from '../../shared/variant/deploy.ts';
import { provisionLocal, startLocal } from '../local.ts';

const queueSchema = z.object({ consumer: z.string(), url: z.string(), arn: z.string(), dlqUrl: z.string() }).strict();

export const resourcesSchema = z
  .object({
    variant: z.literal('choreography'),
    topicArn: z.string(),
    /** By consumer: the five services and `completions` (where the harness reads each order's end). */
    queues: z.record(z.string(), queueSchema),
    /** AWS: function name by service, plus `publisher`. */
    functions: z.record(z.string(), z.string()).optional(),
  })
  .strict();
type Resources = z.infer<typeof resourcesSchema>;

export const deployable: Deployable<'choreography', Resources> = {
  stack: 'choreography',
  async cdkStack() {
    const { ChoreographyStack } = await import('./stack.ts');
    return (scope, id, p) =>
      new ChoreographyStack(scope, id, {
        prefix: p.prefix,
        stackName: p.stackName,
        tables: p.tables,
        description: p.describe('choreography: SNS bus, SQS queues and DLQs, service functions'),
      });
  },
  needsDocker: false,
  resources: resourcesSchema,
  fromOutputs(out, prefix) {
    const { queues, functions } = queuesAndFunctions(out, prefix, 'sns');
    return { variant: 'choreography', topicArn: out(OUTPUTS.topicArn), queues, functions };
  },
  provider: (r) => ({ ...choreographyProviderNames(r), topics: [r.topicArn.split(':').pop()!] }),
  local: {
    async provision({ clients, prefix }) {
      // The same provisioning the benchmark's choreography target runs, from shared/topology.
      const config = await provisionLocal(clients, prefix);
      return {
        tables: config.tables,
        resources: { variant: 'choreography', topicArn: config.busArn, queues: config.queues },
        traceDir: config.traceDir,
      };
    },
    start: ({ clients, prefix, tables, resources, endpoints, traceDir }) =>
      startLocal(clients, { prefix, endpoints, busArn: resources.topicArn, queues: resources.queues, tables, traceDir }),
    async deprovision(clients, r) {
      const subs = await clients.sns
        .send(new ListSubscriptionsByTopicCommand({ TopicArn: r.topicArn }))
        .catch((e: unknown) => (ignoreMissing(e), { Subscriptions: [] }));
      for (const s of subs.Subscriptions ?? [])
        if (s.SubscriptionArn) await clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: s.SubscriptionArn })).catch(ignoreMissing);
      await clients.sns.send(new DeleteTopicCommand({ TopicArn: r.topicArn })).catch(ignoreMissing);
      for (const q of Object.values(r.queues)) {
        for (const url of [q.url, q.dlqUrl]) await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(ignoreMissing);
      }
    },
    describe: (r) => `topic ${r.topicArn}, ${Object.keys(r.queues).length} queues with DLQs`,
    scripts: [path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'consumer-main.ts')],
  },
};

/** Both choreographies' functions (each service a queue consumer, the publisher on the event store's stream) and service queues. */
export function choreographyProviderNames(r: { queues: Record<string, { url: string }>; functions?: Record<string, string> }) {
  return {
    functions: Object.entries(r.functions ?? {}).map(([unit, name]) => ({
      name,
      role: unit === 'publisher' ? ('publisher' as const) : ('consumer' as const),
    })),
    topics: [] as string[],
    queues: Object.entries(r.queues).flatMap(([consumer, q]) => (consumer === 'completions' ? [] : [q.url.split('/').pop()!])),
  };
}

/** The queues and functions a choreography stack outputs, on either bus: both choreographies' records read them alike. */
export function queuesAndFunctions(out: (key: string) => string, prefix: string, bus: 'sns' | 'eventbridge') {
  const queues = Object.fromEntries(
    choreographyTopology(prefix, bus).queues.map((q) => [
      q.consumer,
      {
        consumer: q.consumer,
        url: out(OUTPUTS.queueUrl(q.consumer)),
        arn: out(OUTPUTS.queueArn(q.consumer)),
        dlqUrl: out(OUTPUTS.dlqUrl(q.consumer)),
      },
    ]),
  );
  const functions = Object.fromEntries([...SERVICES, 'publisher'].map((u) => [u, out(OUTPUTS.functionName(u))]));
  return { queues, functions };
}
