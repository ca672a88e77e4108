/**
 * The building blocks of a variant's coupling scope: which files make up which
 * component, as path prefixes relative to the project root. The FIRST rule whose
 * prefix a path starts with wins, so specific files go before their folder.
 */
export type Rule = readonly [prefix: string, component: string];

/** Where the message contracts live: their exported names are the `contracts` vocabulary. */
export const CONTRACTS_FILE = 'shared/domain/contracts.ts';

/**
 * The services are the shared/services modules, one per business capability.
 * Their DynamoDB repos go with them where the file is theirs alone; ports,
 * errors and the multi-service records.ts are the services' common kit.
 * `fraud` only exists after the change-impact experiment adds it.
 */
export const SERVICE_RULES: Rule[] = [
  ['shared/services/inventory.ts', 'inventory'],
  ['shared/services/dynamo/inventory.ts', 'inventory'],
  ['shared/services/payments.ts', 'payments'],
  ['shared/services/shipping.ts', 'shipping'],
  ['shared/services/notifications.ts', 'notifications'],
  ['shared/services/fraud.ts', 'fraud'],
  ['shared/services/', 'service-common'],
];

export const DOMAIN_RULES: Rule[] = [
  [CONTRACTS_FILE, 'contracts'],
  ['shared/domain/', 'domain'],
];

/** Cloud clients, metering, envelopes/claim checks/trace, table names, child processes. */
export const PLATFORM_RULES: Rule[] = [
  ['shared/aws/', 'platform'],
  ['shared/messaging/', 'platform'],
  ['shared/topology/tables.ts', 'platform'],
  ['shared/runtime/', 'platform'],
  ['shared/errors.ts', 'platform'],
];

/**
 * Both orchestrators share orchestration/tasks.ts (the one task table: Step
 * Functions dispatches into it, Temporal registers it as its activities) and
 * the worker process entry (worker-main/-config, workers.ts).
 */
export const ORCHESTRATION_COMMON_RULES: Rule[] = [
  ['orchestration/tasks.ts', 'orchestrator'],
  ['orchestration/worker', 'orchestrator'],
];
