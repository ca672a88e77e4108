import { Aws, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableSpecs, type TableRole } from '../../../shared/topology/tables.ts';
import { OUTPUTS, pascal } from '../config.ts';

export interface DataStackProps extends StackProps {
  prefix: string;
}

/**
 * Every service's table, the orders event store and the claim-check table,
 * from the same table specs the local provisioning uses. Claim checks are a
 * DynamoDB table in this project, so there is no bucket.
 */
export class DataStack extends Stack {
  readonly tables: Record<TableRole, ITable>;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const tables = {} as Record<TableRole, ITable>;
    for (const spec of tableSpecs(props.prefix)) {
      const table = new Table(this, `${pascal(spec.role)}Table`, {
        tableName: spec.name,
        partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
        ...(spec.sortKey ? { sortKey: { name: spec.sortKey.name, type: AttributeType.NUMBER } } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        // Always encrypted at rest; the AWS-owned key adds no KMS requests the cost model would have to price.
        encryption: TableEncryption.DEFAULT,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // Benchmark data: `sagabench destroy` must leave nothing behind that keeps billing.
        removalPolicy: RemovalPolicy.DESTROY,
        // The choreography's outbox publisher is fed by the event store's stream on AWS.
        ...(spec.role === 'orderEvents' ? { stream: StreamViewType.NEW_IMAGE } : {}),
      });
      tables[spec.role] = table;
      new CfnOutput(this, OUTPUTS.table(spec.role), { value: table.tableName });
    }
    this.tables = tables;
    // Where it landed, for the deployment record: the CLI may have resolved the environment from a profile.
    new CfnOutput(this, OUTPUTS.account, { value: Aws.ACCOUNT_ID });
    new CfnOutput(this, OUTPUTS.region, { value: Aws.REGION });
  }
}
