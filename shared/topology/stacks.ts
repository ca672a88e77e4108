/**
 * Stack and resource names derived from a deployment prefix. The CDK app names
 * its stacks from here (a variant's own stack is `<prefix>-<its registry entry's
 * deploy.stack>`) and `sagabench deploy/destroy` selects them from here, so the
 * two cannot disagree on a name.
 */
export const DEFAULT_PREFIX = 'sagabench';

/** The stack every variant shares: the services' tables, the event store, the claim checks. */
export const dataStackName = (prefix: string): string => `${prefix}-data`;

/** A variant's own stack, beside the data stack. */
export const variantStackName = (prefix: string, stack: string): string => `${prefix}-${stack}`;

/** The Temporal task queue the worker polls and the harness starts workflows on. */
export const temporalTaskQueue = (prefix: string): string => `${prefix}-saga`;

/** The Step Functions state machine's name, on AWS and locally. */
export const stateMachineName = (prefix: string): string => `${prefix}-saga`;
