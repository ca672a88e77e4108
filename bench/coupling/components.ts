/**
 * Which files make up which component, per variant: a declarative table of
 * path prefixes (relative to the project root, '/'-separated). The FIRST rule
 * whose prefix the path starts with wins, so specific files go before their
 * folder. A file no rule matches is not part of that variant's graph (another
 * variant's code, the CLI, ...); imports into it are ignored.
 */
export type Variant = 'choreography' | 'stepfunctions' | 'temporal';
export const COUPLING_VARIANTS: readonly Variant[] = ['choreography', 'stepfunctions', 'temporal'];

export type Rule = readonly [prefix: string, component: string];

/** Where the message contracts live: their exported names are the `contracts` vocabulary. */
export const CONTRACTS_FILE = 'shared/domain/contracts.ts';

/** Never in any graph: the harness, local infrastructure, and tests (test folders or *.test.ts). */
export function isExcluded(rel: string): boolean {
  return rel.startsWith('bench/') || rel.startsWith('infra/') || rel.startsWith('node_modules/') || /(^|\/)test\//.test(rel) || rel.endsWith('.test.ts');
}

/**
 * The services are the shared/services modules, one per business capability.
 * Their DynamoDB repos go with them where the file is theirs alone; ports,
 * errors and the multi-service records.ts are the services' common kit.
 * `fraud` only exists after the change-impact experiment adds it.
 */
const SERVICES: Rule[] = [
  ['shared/services/inventory.ts', 'inventory'],
  ['shared/services/dynamo/inventory.ts', 'inventory'],
  ['shared/services/payments.ts', 'payments'],
  ['shared/services/shipping.ts', 'shipping'],
  ['shared/services/notifications.ts', 'notifications'],
  ['shared/services/fraud.ts', 'fraud'],
  ['shared/services/', 'service-common'],
];

const DOMAIN: Rule[] = [
  [CONTRACTS_FILE, 'contracts'],
  ['shared/domain/', 'domain'],
];

/** Cloud clients, metering, envelopes/claim checks/trace, table names, child processes. */
const PLATFORM: Rule[] = [
  ['shared/aws/', 'platform'],
  ['shared/messaging/', 'platform'],
  ['shared/topology/tables.ts', 'platform'],
  ['shared/runtime/', 'platform'],
  ['shared/errors.ts', 'platform'],
];

/**
 * Both orchestrators share orchestration/tasks.ts (the SFN task dispatcher, and
 * TASK_SERVICE, which the Temporal activities import for their trace points)
 * and the worker process entry (worker-main/-config, workers.ts).
 */
const ORCHESTRATION_COMMON: Rule[] = [
  ['orchestration/tasks.ts', 'orchestrator'],
  ['orchestration/worker', 'orchestrator'],
];

export const COMPONENT_MAP: Record<Variant, readonly Rule[]> = {
  choreography: [
    ...SERVICES,
    ...DOMAIN,
    ['choreography/orders/', 'orders'],
    // The reactions are one switch over every service, so they cannot be split per service.
    ['choreography/', 'coordination'],
    ['shared/topology/choreography.ts', 'coordination'],
    ...PLATFORM,
  ],
  stepfunctions: [
    ...SERVICES,
    ...DOMAIN,
    ['orchestration/stepfunctions/', 'orchestrator'],
    ...ORCHESTRATION_COMMON,
    // stepfunctions/local.ts borrows MAX_RECEIVE_COUNT from the choreography topology.
    ['shared/topology/choreography.ts', 'platform'],
    ...PLATFORM,
  ],
  temporal: [
    ...SERVICES,
    ...DOMAIN,
    ['orchestration/temporal/', 'orchestrator'],
    ...ORCHESTRATION_COMMON,
    ['shared/temporal/', 'platform'],
    ...PLATFORM,
  ],
};

/** The component a root-relative path belongs to in `variant`, or undefined when it is outside the variant. */
export function componentOf(variant: Variant, rel: string): string | undefined {
  if (isExcluded(rel)) return undefined;
  return COMPONENT_MAP[variant].find(([prefix]) => rel.startsWith(prefix))?.[1];
}
