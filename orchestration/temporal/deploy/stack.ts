import { CfnOutput, Duration, IgnoreMode, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FlowLogDestination, FlowLogTrafficType, GatewayVpcEndpointAwsService, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
  Secret as EcsSecret,
} from 'aws-cdk-lib/aws-ecs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TEMPORAL_WORKER_ACCESS } from '../../../shared/topology/access.ts';
import { TEMPORAL_WORKER_SERVICE } from '../../../shared/topology/functions.ts';
import { temporalTaskQueue } from '../../../shared/topology/stacks.ts';
import { tableNames, type TableRole } from '../../../shared/topology/tables.ts';
import { PROJECT_ROOT } from '../../../shared/paths.ts';
import { OUTPUTS, TEMPORAL_SECRET_FIELDS } from '../../../shared/topology/outputs.ts';
import { grantTableAccess } from '../../../shared/cdk/lambda.ts';
import { acknowledge, REASONS } from '../../../shared/cdk/nag.ts';
import { WORKER_ENV } from './worker/env.ts';

export interface TemporalWorkerStackProps extends StackProps {
  prefix: string;
  tables: Record<TableRole, ITable>;
  /** The secret's name, or its complete ARN (exact grant, no "-??????" suffix match). */
  temporalSecret: string;
  containerInsights: boolean;
}

/**
 * The image's build context, staged from the repository root: everything
 * excluded except what the worker runs (dockerignore semantics, so the
 * allowlist reads top-down and the last matching line wins).
 */
export const WORKER_CONTEXT_EXCLUDE = [
  '*',
  '!package.json',
  '!package-lock.json',
  '!tsconfig.json',
  '!shared',
  '!orchestration',
  '**/test',
];

/**
 * The Temporal worker as an always-on ECS Fargate service, sized as the cost
 * model prices it (TEMPORAL_WORKER_SERVICE), in a small VPC of its own with
 * public subnets and no NAT gateway (a NAT gateway would cost more than the
 * worker). It has no inbound access at all; it dials out to Temporal and to AWS.
 */
export class TemporalWorkerStack extends Stack {
  readonly service: FargateService;

  constructor(scope: Construct, id: string, props: TemporalWorkerStackProps) {
    super(scope, id, props);
    const flowLogs = new LogGroup(this, 'VpcFlowLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
      // Restricting the default security group needs a custom-resource Lambda; nothing is ever placed in that group.
      restrictDefaultSecurityGroup: false,
      flowLogs: { rejected: { trafficType: FlowLogTrafficType.REJECT, destination: FlowLogDestination.toCloudWatchLogs(flowLogs) } },
    });
    // DynamoDB traffic stays on the AWS network, at no charge.
    vpc.addGatewayEndpoint('DynamoDb', { service: GatewayVpcEndpointAwsService.DYNAMODB });

    const cluster = new Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: props.containerInsights ? ContainerInsights.ENABLED : ContainerInsights.DISABLED,
    });
    if (!props.containerInsights) acknowledge(cluster, 'AwsSolutions-ECS4', REASONS.containerInsights);

    const taskDefinition = new FargateTaskDefinition(this, 'WorkerTask', {
      cpu: TEMPORAL_WORKER_SERVICE.vcpu * 1024,
      memoryLimitMiB: TEMPORAL_WORKER_SERVICE.memoryGb * 1024,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.X86_64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    grantTableAccess(taskDefinition.taskRole, props.tables, TEMPORAL_WORKER_ACCESS);

    // Created by the operator before the first deploy (infra/DEPLOY.md): the API key never passes through CloudFormation.
    const secret = props.temporalSecret.startsWith('arn:')
      ? Secret.fromSecretCompleteArn(this, 'TemporalSecret', props.temporalSecret)
      : Secret.fromSecretNameV2(this, 'TemporalSecret', props.temporalSecret);
    const logGroup = new LogGroup(this, 'WorkerLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const taskQueue = temporalTaskQueue(props.prefix);
    taskDefinition.addContainer('Worker', {
      image: ContainerImage.fromAsset(PROJECT_ROOT, {
        file: 'orchestration/temporal/deploy/worker/Dockerfile',
        platform: Platform.LINUX_AMD64,
        ignoreMode: IgnoreMode.DOCKER,
        exclude: WORKER_CONTEXT_EXCLUDE,
      }),
      logging: LogDrivers.awsLogs({ streamPrefix: 'worker', logGroup }),
      environment: {
        [WORKER_ENV.tables]: JSON.stringify(tableNames(props.prefix)),
        [WORKER_ENV.taskQueue]: taskQueue,
        AWS_REGION: this.region,
      },
      secrets: Object.fromEntries(
        Object.entries(TEMPORAL_SECRET_FIELDS).map(([field, envVar]) => [envVar, EcsSecret.fromSecretsManager(secret, field)]),
      ),
      // Time to finish the activities in flight after SIGTERM (the worker drains, then exits).
      stopTimeout: Duration.seconds(30),
    });
    acknowledge(taskDefinition, 'AwsSolutions-ECS2', REASONS.workerEnv);
    acknowledge(taskDefinition.obtainExecutionRole(), 'AwsSolutions-IAM5[Resource::*]', REASONS.ecrAuth);

    const securityGroup = new SecurityGroup(this, 'WorkerSecurityGroup', {
      vpc,
      description: 'sagabench Temporal worker: no inbound rules; outbound to Temporal and AWS APIs',
      allowAllOutbound: true,
    });
    this.service = new FargateService(this, 'WorkerService', {
      cluster,
      taskDefinition,
      desiredCount: TEMPORAL_WORKER_SERVICE.tasks,
      assignPublicIp: true,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [securityGroup],
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
    });

    new CfnOutput(this, OUTPUTS.taskQueue, { value: taskQueue });
    new CfnOutput(this, OUTPUTS.clusterName, { value: cluster.clusterName });
    new CfnOutput(this, OUTPUTS.serviceName, { value: this.service.serviceName });
    new CfnOutput(this, OUTPUTS.secretName, { value: props.temporalSecret });
    new CfnOutput(this, OUTPUTS.workerLogGroup, { value: logGroup.logGroupName });
  }
}
