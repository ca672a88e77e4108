import type { Variant } from '../../shared/variant/variant.ts';
import { DOMAIN_RULES, ORCHESTRATION_COMMON_RULES, PLATFORM_RULES, SERVICE_RULES } from '../../shared/variant/components.ts';
import { taskHops } from '../../shared/variant/variant.ts';
import { TEMPORAL_WORKER_SERVICE } from '../../shared/topology/functions.ts';
import { change } from './harness/change.ts';
import { deployable, type resourcesSchema } from './deploy/deployable.ts';
import type { z } from 'zod';
import { segments } from './segments.ts';

/** A Temporal workflow drives the shared services as activities. */
export const temporal: Variant<'temporal', z.infer<typeof resourcesSchema>> = {
  name: 'temporal',
  label: 'Temporal',
  color: '#54a24b',
  // The server owns delivery: the duplicate fault is every start sent twice.
  duplicateFault: 'start-twice',
  // Loaded when a run asks: the registry is read by every command, most of which never start a variant.
  target: async (run) => (await import('./harness/target.ts')).temporalTarget(run),
  deployedTarget: async (run) => (await import('./harness/target.ts')).temporalDeployedTarget(run),
  awsTarget: async (run) => (await import('./harness/target.ts')).temporalAwsTarget(run),
  floor: async (run, hops) => (await import('./harness/floor.ts')).temporalFloor(run.clients, run.temporal, run.prefix, hops),
  criticalPathHops: taskHops,
  segments,
  awsPath: {
    submit: ['temporal-cloud-start-workflow'],
    first: ['temporal-cloud-worker-request'],
    handOff: ['temporal-cloud-worker-request', 'temporal-cloud-worker-request'],
    close: ['temporal-cloud-worker-request', 'temporal-cloud-worker-request'],
    folds: [],
    why: 'the worker (on Fargate) talks to Temporal Cloud: the first workflow task schedules the first activity (one request), and between two activities, and after the last, the activity completion and the next workflow task completion are two requests on the path',
  },
  billing: {
    localOnly: [],
    sqsEventSources: 0,
    lambdaInvocations: null,
    engineCount: 'temporal',
    // The worker's task has a public IPv4 address (assignPublicIp in its stack).
    alwaysOnWorker: { ...TEMPORAL_WORKER_SERVICE, publicIpv4: true },
  },
  coupling: {
    components: [
      ...SERVICE_RULES,
      ...DOMAIN_RULES,
      ['orchestration/temporal/', 'orchestrator'],
      ...ORCHESTRATION_COMMON_RULES,
      ['shared/temporal/', 'platform'],
      ...PLATFORM_RULES,
    ],
    // The server's activity tasks: every action but the workflow starts.
    unmeteredMessages: (report) => (report.temporal ? report.temporal.actions - report.temporal.workflows : 0),
    change,
  },
  deploy: deployable,
  driver: async (run) => (await import('./test/driver.ts')).temporalDriver(run),
};
