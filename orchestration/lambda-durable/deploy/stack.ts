import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Alias } from 'aws-cdk-lib/aws-lambda';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { grantTableAccess, bundledFunction } from '../../../shared/cdk/lambda.ts';
import { acknowledge, REASONS } from '../../../shared/cdk/nag.ts';
import { TEMPORAL_WORKER_ACCESS } from '../../../shared/topology/access.ts';
import { OUTPUTS } from '../../../shared/topology/outputs.ts';
import { tableNames, type TableRole } from '../../../shared/topology/tables.ts';
import { DURABLE_ENV } from '../lambda.ts';

export interface LambdaDurableStackProps extends StackProps {
  prefix: string;
  tables: Record<TableRole, ITable>;
}

/** How long an order's saga may run (retries included) and how long its history is kept: the cost model's retention. */
export const DURABLE_EXECUTION_TIMEOUT = Duration.hours(1);
export const DURABLE_RETENTION_DAYS = 30;
/**
 * What executions are started on: Lambda runs no durable execution on an unqualified function name,
 * and a published version pins each execution's replays to the code it started with.
 */
export const DURABLE_ALIAS = 'live';

/** The saga as one durable function: the orchestrators' task table in checkpointed steps, writing the five service tables. */
export class LambdaDurableStack extends Stack {
  constructor(scope: Construct, id: string, props: LambdaDurableStackProps) {
    super(scope, id, props);
    const functionName = `${props.prefix}-saga-durable`;
    const fn = bundledFunction(this, 'SagaFunction', {
      entry: 'orchestration/lambda-durable/lambda.ts',
      handler: 'handler',
      description: 'lambda-durable: the order saga as a durable function',
      functionName,
      environment: { [DURABLE_ENV.tables]: JSON.stringify(tableNames(props.prefix)) },
      durableConfig: { executionTimeout: DURABLE_EXECUTION_TIMEOUT, retentionPeriod: Duration.days(DURABLE_RETENTION_DAYS) },
    });
    // Its checkpoints, on itself only (named, not referenced, so the role does not wait for the function).
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:CheckpointDurableExecution', 'lambda:GetDurableExecutionState'],
        resources: [
          this.formatArn({ service: 'lambda', resource: 'function', resourceName: functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          this.formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: `${functionName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    acknowledge(
      fn.role!,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:${functionName}:*]`,
      REASONS.durableQualifier,
    );
    grantTableAccess(fn, props.tables, TEMPORAL_WORKER_ACCESS);
    // A new version is published whenever the function changes (currentVersion), and the alias moved to it.
    const alias = new Alias(this, 'SagaAlias', { aliasName: DURABLE_ALIAS, version: fn.currentVersion });
    new CfnOutput(this, OUTPUTS.functionName('saga'), { value: fn.functionName });
    new CfnOutput(this, OUTPUTS.functionAliasArn('saga'), { value: alias.functionArn });
  }
}
