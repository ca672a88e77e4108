import type { z } from 'zod';
import type { Variant } from '../../shared/variant/variant.ts';
import { choreography } from '../variant.ts';
import { change } from './harness/change.ts';
import { deployable, type resourcesSchema } from './deploy/deployable.ts';
import { segments } from './segments.ts';

/**
 * The choreography with an EventBridge custom bus in place of the SNS topic: the
 * same services, handlers, ES/CQRS orders service and queues; events are put on
 * the bus (ten to a PutEvents where one append or reaction emits several) and one
 * rule per consuming queue matches their detail-type.
 */
export const eventbridge: Variant<'eventbridge', z.infer<typeof resourcesSchema>> = {
  ...choreography,
  name: 'eventbridge',
  label: 'EventBridge',
  color: '#72b7b2',
  target: async (run) =>
    (await import('../harness/target.ts')).choreographyTarget(run.clients, run.harness, run.prefix, 'eventbridge', 'eventbridge'),
  floor: async (run, hops) => (await import('../harness/floor.ts')).choreographyFloor(run.clients, run.prefix, hops, 'eventbridge'),
  deployedTarget: async (run) => (await import('../harness/target.ts')).choreographyDeployedTarget(run, 'eventbridge', 'eventbridge'),
  awsTarget: async (run) => (await import('../harness/target.ts')).choreographyAwsTarget(run, 'eventbridge', 'eventbridge'),
  segments,
  awsPath: {
    first: ['dynamodb-streams-lambda', 'eventbridge-sqs-lambda'],
    handOff: ['eventbridge-sqs-lambda'],
    folds: ['publish'],
    why: "on AWS the event store's stream puts OrderPlaced on the bus (publish-on-commit is off there), then every event on the path goes EventBridge → a rule → the consumer's SQS queue → its Lambda; the PutEvents inside a step is part of that hop; the orders service decides the end inside its last step, so nothing follows it",
  },
  coupling: { ...choreography.coupling, change },
  deploy: deployable,
  driver: async (run) => (await import('../test/driver.ts')).choreographyDriver(run.clients, run.prefix, 'eventbridge', 'eventbridge'),
};
