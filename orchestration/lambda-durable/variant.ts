import type { z } from 'zod';
import type { Variant } from '../../shared/variant/variant.ts';
import { DOMAIN_RULES, ORCHESTRATION_COMMON_RULES, PLATFORM_RULES, SERVICE_RULES } from '../../shared/variant/components.ts';
import { taskHops } from '../../shared/variant/variant.ts';
import { change } from './harness/change.ts';
import { deployable, type resourcesSchema } from './deploy/deployable.ts';
import { segments } from './segments.ts';

/**
 * The saga as one Lambda durable function: each step a checkpointed `context.step`
 * over the orchestrators' task table. Locally the testing SDK's runner simulates the
 * orchestration in a function host process of its own, so its latency is labelled simulated; its outcomes, counts,
 * cost, coupling and change impact are real.
 */
export const lambdaDurable: Variant<'lambda-durable', z.infer<typeof resourcesSchema>> = {
  name: 'lambda-durable',
  label: 'Lambda durable',
  color: '#e45756',
  latencyKind: 'simulated',
  faultsNotApplicable: {
    crash:
      "the local runner keeps each execution's checkpoints in its host's memory, so a killed host loses them; on AWS a crashed invocation is re-invoked from its last checkpoint, which the local runner cannot show",
    pause: "not run: the local host's simulated orchestration would show the runner's timers, not Lambda's re-invocation",
  },
  // The execution name owns delivery: the duplicate fault is every start sent twice.
  duplicateFault: 'start-twice',
  target: async (run) => (await import('./harness/target.ts')).lambdaDurableTarget(run),
  // Its local deployment is the service tables (no local Lambda): the saga runs in the local function host under the local runner, simulated.
  deployedTarget: async (run) => (await import('./harness/target.ts')).lambdaDurableDeployedTarget(run),
  // On AWS: one durable execution per order on the stack's alias, its end and usage from Lambda's durable execution APIs.
  awsTarget: async (run) => (await import('./harness/aws-target.ts')).lambdaDurableAwsTarget(run),
  floor: async (run, hops) => (await import('./harness/floor.ts')).lambdaDurableFloor(run.clients, hops),
  criticalPathHops: taskHops,
  segments,
  awsPath: {
    notProjected:
      "no published latency for a durable function's checkpoints, nor for its re-invocation after a wait or retry; and its local times are the testing runner's (simulated), so neither the hops nor the carried-over time would stand for AWS",
  },
  billing: {
    localOnly: [],
    sqsEventSources: 0,
    lambdaInvocations: 'durable-invocations',
    engineCount: 'durable',
  },
  coupling: {
    components: [
      ...SERVICE_RULES,
      ...DOMAIN_RULES,
      ['orchestration/lambda-durable/', 'orchestrator'],
      ...ORCHESTRATION_COMMON_RULES,
      ...PLATFORM_RULES,
    ],
    // Each durable operation is a checkpoint the function sends the durable execution service.
    unmeteredMessages: (report) => report.durable?.operations ?? 0,
    change,
  },
  deploy: deployable,
  driver: async (run) => (await import('./test/driver.ts')).lambdaDurableDriver(run.clients, run.prefix),
};
