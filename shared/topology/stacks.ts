/**
 * The deployable variants and the CloudFormation stacks each one needs. The
 * CDK app names its stacks from here and `sagabench deploy/destroy` selects
 * them from here, so the two cannot disagree on a name.
 */
export const DEPLOY_VARIANTS = ['choreography', 'stepfunctions', 'temporal'] as const;
export type DeployVariant = (typeof DEPLOY_VARIANTS)[number];

export const DEFAULT_PREFIX = 'sagabench';

export interface StackNames {
  data: string;
  choreography: string;
  stepfunctions: string;
  temporalWorker: string;
}

export function stackNames(prefix: string): StackNames {
  return {
    data: `${prefix}-data`,
    choreography: `${prefix}-choreography`,
    stepfunctions: `${prefix}-stepfunctions`,
    temporalWorker: `${prefix}-temporal-worker`,
  };
}

/** The variant's own stack; the data stack is shared by all three. */
export function variantStack(prefix: string, variant: DeployVariant): string {
  const s = stackNames(prefix);
  return variant === 'choreography' ? s.choreography : variant === 'stepfunctions' ? s.stepfunctions : s.temporalWorker;
}

/** The Temporal task queue the worker polls and the harness starts workflows on. */
export const temporalTaskQueue = (prefix: string): string => `${prefix}-saga`;

/** The Step Functions state machine's name, on AWS and locally. */
export const stateMachineName = (prefix: string): string => `${prefix}-saga`;
