import type { Variant } from '../../shared/variant/variant.ts';
import { DOMAIN_RULES, ORCHESTRATION_COMMON_RULES, PLATFORM_RULES, SERVICE_RULES } from '../../shared/variant/components.ts';
import { taskHops } from '../../shared/variant/variant.ts';
import { change } from './harness/change.ts';
import { deployable, type resourcesSchema } from './deploy/deployable.ts';
import type { z } from 'zod';
import { segments } from './segments.ts';

/** An Amazon States Language saga drives the shared services as tasks. */
export const stepFunctions: Variant<'stepfunctions', z.infer<typeof resourcesSchema>> = {
  name: 'stepfunctions',
  label: 'Step Functions',
  color: '#f58518',
  duplicateFault: 'client-middleware',
  // Loaded when a run asks: the registry is read by every command, most of which never start a variant.
  target: async (run) => (await import('./harness/target.ts')).stepFunctionsTarget(run.clients, run.harness, run.prefix),
  deployedTarget: async (run) => (await import('./harness/target.ts')).stepFunctionsDeployedTarget(run),
  awsTarget: async (run) => (await import('./harness/target.ts')).stepFunctionsAwsTarget(run),
  floor: async (run, hops) => (await import('./harness/floor.ts')).stepFunctionsFloor(run.clients, run.prefix, hops),
  criticalPathHops: taskHops,
  segments,
  awsPath: {
    // The published figure runs from the producer's StartExecution call to the task Lambda's start, so it stands for the accept too.
    submit: [],
    first: ['sfn-standard-lambda-task'],
    handOff: ['sfn-standard-lambda-task'],
    folds: ['answer'],
    why: "on AWS each Task state invokes its service's Lambda function synchronously (the deployed definition's Resource is the function), so the local callback queue and SendTaskSuccess/Failure answer are replaced by the state's invoke; the first hop, measured from the StartExecution call, stands for the accept as well; the end of the execution is carried over",
  },
  billing: {
    localOnly: [
      {
        service: 'sqs',
        why: 'locally the tasks travel through an SQS callback queue; on AWS the state invokes each task as a Lambda function and that queue does not exist',
      },
    ],
    sqsEventSources: 0,
    lambdaInvocations: 'task-attempts',
    executionTracing: true,
    engineCount: 'stepFunctions',
    whatIf: {
      label: 'stepfunctions-express',
      displayName: 'Step Functions EXPRESS (what-if)',
      color: '#ffbf79',
      note: 'the same executions priced as EXPRESS (requests + measured duration); run as STANDARD locally',
      stepFunctionsType: 'EXPRESS',
    },
  },
  coupling: {
    components: [
      ...SERVICE_RULES,
      ...DOMAIN_RULES,
      ['orchestration/stepfunctions/', 'orchestrator'],
      ...ORCHESTRATION_COMMON_RULES,
      // stepfunctions/local.ts borrows MAX_RECEIVE_COUNT from the choreography topology.
      ['shared/topology/choreography.ts', 'platform'],
      ...PLATFORM_RULES,
    ],
    // Step Functions' own task message per callback answer: the meter sees only the answers.
    unmeteredMessages: (report) =>
      report.metered
        .filter((m) => m.service === 'sfn' && (m.operation === 'SendTaskSuccess' || m.operation === 'SendTaskFailure'))
        .reduce((s, m) => s + m.calls, 0),
    change,
  },
  deploy: deployable,
  driver: async (run) => (await import('./test/driver.ts')).stepFunctionsDriver(run.clients, run.prefix),
};
