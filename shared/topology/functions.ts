/**
 * How the handlers run as Lambda functions on AWS. The CDK stacks deploy with
 * these and the cost model prices measured handler time at the same memory and
 * architecture, so the bill the report shows is the one the deployment gets.
 */
export const FUNCTION_DEFAULTS = {
  memoryMb: 256,
  architecture: 'arm64',
  timeoutSeconds: 30,
} as const;

/** The Temporal worker as an always-on container service (ECS Fargate) on AWS. */
export const TEMPORAL_WORKER_SERVICE = {
  vcpu: 0.5,
  memoryGb: 1,
  tasks: 1,
} as const;
