import type { Variant } from '../shared/variant/variant.ts';
import { SERVICES } from '../shared/domain/contracts.ts';
import { DOMAIN_RULES, PLATFORM_RULES, SERVICE_RULES } from '../shared/variant/components.ts';
import { change } from './harness/change.ts';
import { deployable, type resourcesSchema } from './deploy/deployable.ts';
import type { z } from 'zod';
import { segments } from './segments.ts';

/** Services react to each other's events: one SNS bus, one SQS queue per consuming service, an ES/CQRS orders service. */
export const choreography: Variant<'choreography', z.infer<typeof resourcesSchema>> = {
  name: 'choreography',
  label: 'Choreography',
  color: '#4c78a8',
  duplicateFault: 'client-middleware',
  // Loaded when a run asks: the registry is read by every command, most of which never start a variant.
  target: async (run) => (await import('./harness/target.ts')).choreographyTarget(run.clients, run.harness, run.prefix),
  deployedTarget: async (run) => (await import('./harness/target.ts')).choreographyDeployedTarget(run),
  awsTarget: async (run) => (await import('./harness/target.ts')).choreographyAwsTarget(run),
  floor: async (run, hops) => (await import('./harness/floor.ts')).choreographyFloor(run.clients, run.prefix, hops),
  // One event reaches its subscribers side by side (ShipmentCreated starts the commit and the
  // notification at once), so each distinct event handled is a hop.
  criticalPathHops: (steps) => new Set(steps.map((s) => s.step.split(':')[1])).size,
  segments,
  awsPath: {
    first: ['dynamodb-streams-lambda', 'sns-sqs-lambda'],
    handOff: ['sns-sqs-lambda'],
    folds: ['publish'],
    why: "on AWS the event store's stream publishes OrderPlaced (publish-on-commit is off there), then every event on the path goes SNS → the consumer's SQS queue → its Lambda; the SNS publish inside a step is part of that hop; the orders service decides the end inside its last step, so nothing follows it",
  },
  billing: {
    localOnly: [],
    // One event source mapping per service queue; the outbox publisher's DynamoDB Streams trigger reads for free.
    sqsEventSources: SERVICES.length,
    lambdaInvocations: 'metered',
    engineCount: null,
  },
  coupling: {
    components: [
      ...SERVICE_RULES,
      ...DOMAIN_RULES,
      ['choreography/orders/', 'orders'],
      // The reactions are one switch over every service, so they cannot be split per service.
      ['choreography/', 'coordination'],
      ['shared/topology/choreography.ts', 'coordination'],
      ...PLATFORM_RULES,
    ],
    unmeteredMessages: () => 0,
    change,
  },
  deploy: deployable,
  driver: async (run) => (await import('./test/driver.ts')).choreographyDriver(run.clients, run.prefix),
};
