import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { DeleteEventBusCommand, DeleteRuleCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ignoreMissing } from '../../../shared/aws/not-found.ts';
import { choreographyTopology } from '../../../shared/topology/choreography.ts';
import { OUTPUTS } from '../../../shared/topology/outputs.ts';
import type { Deployable } from '../../../shared/variant/deploy.ts';
import { provisionLocal, startLocal } from '../../local.ts';
import { choreographyProviderNames, queuesAndFunctions } from '../../deploy/deployable.ts';

const queueSchema = z.object({ consumer: z.string(), url: z.string(), arn: z.string(), dlqUrl: z.string() }).strict();

export const resourcesSchema = z
  .object({
    variant: z.literal('eventbridge'),
    busArn: z.string(),
    /** By consumer: the five services and `completions` (where the harness reads each order's end); each has a rule of the same name. */
    queues: z.record(z.string(), queueSchema),
    /** AWS: function name by service, plus `publisher`. */
    functions: z.record(z.string(), z.string()).optional(),
  })
  .strict();
type Resources = z.infer<typeof resourcesSchema>;

const busNameOf = (arn: string) => arn.split('/').pop()!;

/** The choreography's stack and local lifecycle with an EventBridge custom bus in place of the SNS topic. */
export const deployable: Deployable<'eventbridge', Resources> = {
  stack: 'eventbridge',
  async cdkStack() {
    const { ChoreographyStack } = await import('../../deploy/stack.ts');
    return (scope, id, p) =>
      new ChoreographyStack(scope, id, {
        prefix: p.prefix,
        stackName: p.stackName,
        tables: p.tables,
        bus: 'eventbridge',
        description: p.describe('eventbridge: EventBridge custom bus, a rule per SQS queue and DLQ, service functions'),
      });
  },
  needsDocker: false,
  resources: resourcesSchema,
  fromOutputs(out, prefix) {
    const { queues, functions } = queuesAndFunctions(out, prefix, 'eventbridge');
    return { variant: 'eventbridge', busArn: out(OUTPUTS.eventBusArn), queues, functions };
  },
  provider: (r) => ({ ...choreographyProviderNames(r), eventBus: busNameOf(r.busArn) }),
  local: {
    async provision({ clients, prefix }) {
      const config = await provisionLocal(clients, prefix, 'eventbridge');
      return {
        tables: config.tables,
        resources: { variant: 'eventbridge', busArn: config.busArn, queues: config.queues },
        traceDir: config.traceDir,
      };
    },
    start: ({ clients, prefix, tables, resources, endpoints, traceDir }) =>
      startLocal(clients, { prefix, endpoints, busArn: resources.busArn, queues: resources.queues, tables, traceDir }),
    async deprovision(clients, r) {
      const bus = busNameOf(r.busArn);
      const prefix = bus.replace(/-events$/, '');
      // A bus with rules cannot be deleted: targets first, then rules, then the bus.
      for (const q of choreographyTopology(prefix, 'eventbridge').queues) {
        await clients.events.send(new RemoveTargetsCommand({ Rule: q.ruleName, EventBusName: bus, Ids: ['queue'] })).catch(ignoreMissing);
        await clients.events.send(new DeleteRuleCommand({ Name: q.ruleName, EventBusName: bus })).catch(ignoreMissing);
      }
      await clients.events.send(new DeleteEventBusCommand({ Name: bus })).catch(ignoreMissing);
      for (const q of Object.values(r.queues)) {
        for (const url of [q.url, q.dlqUrl]) await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(ignoreMissing);
      }
    },
    describe: (r) => `event bus ${r.busArn}, ${Object.keys(r.queues).length} rules to queues with DLQs`,
    scripts: [path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'consumer-main.ts')],
  },
};
