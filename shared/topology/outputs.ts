export const STATE_MACHINE_TYPES = ['STANDARD', 'EXPRESS'] as const;
export type StateMachineType = (typeof STATE_MACHINE_TYPES)[number];

/**
 * CloudFormation output keys. The stacks emit them and the deploy command reads
 * them back from `cdk deploy --outputs-file` into the deployment record.
 */
export const pascal = (s: string): string => s.replace(/(^|[-_\s])([a-z0-9])/g, (_m, _sep: string, c: string) => c.toUpperCase());

export const OUTPUTS = {
  account: 'Account',
  region: 'Region',
  table: (role: string) => `Table${pascal(role)}`,
  topicArn: 'BusTopicArn',
  eventBusArn: 'EventBusArn',
  queueUrl: (consumer: string) => `Queue${pascal(consumer)}Url`,
  queueArn: (consumer: string) => `Queue${pascal(consumer)}Arn`,
  dlqUrl: (consumer: string) => `Queue${pascal(consumer)}DlqUrl`,
  functionName: (unit: string) => `Function${pascal(unit)}Name`,
  functionAliasArn: (unit: string) => `Function${pascal(unit)}AliasArn`,
  stateMachineArn: 'StateMachineArn',
  stateMachineType: 'StateMachineType',
  stateMachineLogGroup: 'StateMachineLogGroup',
  taskFunctionArn: (service: string) => `TaskFunction${pascal(service)}Arn`,
  taskQueue: 'TemporalTaskQueue',
  clusterName: 'ClusterName',
  serviceName: 'ServiceName',
  secretName: 'TemporalSecretName',
  workerLogGroup: 'WorkerLogGroup',
} as const;

/** The JSON keys inside the Temporal secret (name or ARN: infra/cdk/config.ts), and the env vars the worker receives them as (what @temporalio/envconfig reads). */
export const TEMPORAL_SECRET_FIELDS = {
  address: 'TEMPORAL_ADDRESS',
  namespace: 'TEMPORAL_NAMESPACE',
  apiKey: 'TEMPORAL_API_KEY',
} as const;
