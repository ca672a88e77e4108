import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag's AwsSolutions pack runs as a validation plugin: synthesis fails on
 * any finding that is not acknowledged. Every acknowledgment in the app is made
 * through `acknowledge` with one of the reasons below, so the list of what is
 * accepted, and why, lives in this one file.
 */
export function addNagChecks(app: App): AwsSolutionsChecks {
  const pack = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(pack);
  return pack;
}

export const REASONS = {
  xray: 'AWS X-Ray has no resource-level permissions: PutTraceSegments, PutTelemetryRecords and the sampling calls only accept Resource "*" (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).',
  sfnLogDelivery:
    'Step Functions log delivery (logs:CreateLogDelivery, PutResourcePolicy, DescribeLogGroups, ...) only accepts Resource "*"; this is the policy the Step Functions documentation prescribes for logging to CloudWatch Logs.',
  streamList:
    'dynamodb:ListStreams has no resource-level permission; the event source mapping needs it to find the stream. Reading records stays scoped to the event store stream.',
  publisherFailures:
    "This queue is the on-failure destination of the outbox publisher's DynamoDB stream event source: it is itself the dead-letter queue (cdk-nag only recognises SQS redrive and Lambda DLQ configurations as DLQ use).",
  ecrAuth:
    'ecr:GetAuthorizationToken has no resource-level permission; pulling the worker image is scoped to its repository by the other ECR actions.',
  snsManagedKey:
    "Publishing to a topic encrypted with the AWS-managed key aws/sns: that key's id is not known at synth, so CDK's grantPublish names key/* and narrows it with the condition kms:ResourceAliases = alias/aws/sns (that one key); GenerateDataKey* is the pair of data-key actions SNS server-side encryption uses.",
  workerEnv:
    'Only non-secret settings are plain environment variables (table names, the task queue, the region); the Temporal address, namespace and API key come from Secrets Manager.',
  containerInsights:
    "Container Insights bills CloudWatch custom metrics for the worker's task, a fixed cost the report's cost model does not include; the worker's health is visible in its log group and in Temporal's worker list. Enable it with -c containerInsights=true if wanted.",
  durableQualifier:
    'A durable execution checkpoints under the ARN of the function version (or alias) that runs it, function:<name>:<qualifier>; the wildcard is only that qualifier, on this one function.',
} as const;

/** Acknowledges one cdk-nag finding on `scope` (and its children), with a reason that must say why it is acceptable. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (!reason.trim()) throw new Error(`acknowledgment of ${id} needs a reason`);
  Validations.of(scope).acknowledge({ id, reason });
}
