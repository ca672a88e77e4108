import { UserError } from '../../shared/errors.ts';
import { DEFAULT_PREFIX } from '../../shared/topology/stacks.ts';

/**
 * The app's knobs, as CDK context (`-c key=value`, `cdk.json`, or the
 * `context` the deploy command passes). Read in one place so `cdk synth`,
 * `sagabench synth/deploy` and the tests build the same app from the same keys.
 */
export const CONTEXT_KEYS = {
  prefix: 'prefix',
  stateMachineType: 'stateMachineType',
  temporalSecret: 'temporalSecret',
  containerInsights: 'containerInsights',
} as const;

import { STATE_MACHINE_TYPES, type StateMachineType } from '../../shared/topology/outputs.ts';
export { STATE_MACHINE_TYPES, type StateMachineType, OUTPUTS, pascal, TEMPORAL_SECRET_FIELDS } from '../../shared/topology/outputs.ts';

/** The Secrets Manager secret (name or complete ARN) the Temporal worker reads its address, namespace and API key from. */
export const DEFAULT_TEMPORAL_SECRET_NAME = 'sagabench/temporal';

export interface AppConfig {
  prefix: string;
  stateMachineType: StateMachineType;
  temporalSecret: string;
  containerInsights: boolean;
}

const PREFIX_RE = /^[a-z][a-z0-9-]{0,19}$/;

export function validatePrefix(prefix: string): string {
  // Names derived from it must fit the tightest AWS limits (SQS 80, Lambda 64, state machine 80 characters).
  if (!PREFIX_RE.test(prefix))
    throw new UserError(`prefix '${prefix}': use 1-20 lowercase letters, digits or dashes, starting with a letter`, 2);
  return prefix;
}

export function appConfig(get: (key: string) => unknown): AppConfig {
  const str = (key: string, fallback: string) => {
    const v = get(key);
    return v === undefined || v === null || v === '' ? fallback : String(v);
  };
  const type = str(CONTEXT_KEYS.stateMachineType, 'STANDARD').toUpperCase();
  if (!(STATE_MACHINE_TYPES as readonly string[]).includes(type)) {
    throw new UserError(`context ${CONTEXT_KEYS.stateMachineType}='${type}': use STANDARD or EXPRESS`, 2);
  }
  return {
    prefix: validatePrefix(str(CONTEXT_KEYS.prefix, DEFAULT_PREFIX)),
    stateMachineType: type as StateMachineType,
    temporalSecret: str(CONTEXT_KEYS.temporalSecret, DEFAULT_TEMPORAL_SECRET_NAME),
    containerInsights: str(CONTEXT_KEYS.containerInsights, 'false') === 'true',
  };
}
