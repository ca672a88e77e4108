import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing, type DurableConfig } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { FUNCTION_DEFAULTS } from '../topology/functions.ts';
import { DYNAMODB_READ_ACTIONS, DYNAMODB_WRITE_ACTIONS, type TableAccess } from '../topology/access.ts';
import type { TableRole } from '../topology/tables.ts';
import { PROJECT_ROOT } from '../paths.ts';

/**
 * The newest Node.js runtime this aws-cdk-lib knows (cdk-nag AwsSolutions-L1
 * asks for the latest); the code runs on Node 20 locally and bundles to the same
 * ES2022 either way.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

export interface BundledFunctionProps {
  /** Project-relative .ts module: the same module the local variant runs. */
  entry: string;
  /** The export to call. */
  handler: string;
  description: string;
  environment: Record<string, string>;
  tracing?: boolean;
  /** A fixed name, where a policy must name the function before it exists (a durable function's checkpoint rights on itself). */
  functionName?: string;
  /** Makes it a durable function (CloudFormation DurableConfig): its steps checkpoint and it may run past one invocation. */
  durableConfig?: DurableConfig;
}

/**
 * A function bundled offline by the local esbuild from the project's own
 * TypeScript, with the memory, architecture and timeout the cost model prices
 * (FUNCTION_DEFAULTS), a log group of its own, and a role that can write only
 * to that log group until the stack grants it its queue, table or topic.
 */
export function bundledFunction(scope: Construct, id: string, props: BundledFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  // Not AWSLambdaBasicExecutionRole: its logs:* on every log group is wider than one function needs.
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `${props.description} (sagabench)`,
  });
  role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  return new NodejsFunction(scope, id, {
    entry: path.join(PROJECT_ROOT, props.entry),
    handler: props.handler,
    description: props.description,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    runtime: LAMBDA_RUNTIME,
    architecture: FUNCTION_DEFAULTS.architecture === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64,
    memorySize: FUNCTION_DEFAULTS.memoryMb,
    timeout: Duration.seconds(FUNCTION_DEFAULTS.timeoutSeconds),
    role,
    logGroup,
    tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
    ...(props.functionName ? { functionName: props.functionName } : {}),
    ...(props.durableConfig ? { durableConfig: props.durableConfig } : {}),
    environment: props.environment,
    bundling: {
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      target: 'node24',
      mainFields: ['module', 'main'],
      // The pinned SDK the metering middleware and the tests were written against, not the runtime's copy.
      bundleAwsSDK: true,
      minify: true,
      // Error names are what Step Functions' Retry and the handlers match on (TransientError).
      keepNames: true,
      sourceMap: false,
      logLevel: LogLevel.ERROR,
      // CommonJS dependencies bundled into an ES module still call require().
      banner: "import { createRequire as __sagabenchRequire } from 'node:module'; const require = __sagabenchRequire(import.meta.url);",
    },
  });
}

/**
 * Grants exactly the access `access` lists, on the tables' own ARNs (no index
 * or wildcard resources: the tables have no indexes).
 */
export function grantTableAccess(grantee: IGrantable, tables: Record<TableRole, ITable>, access: TableAccess): void {
  const arns = (roles: readonly TableRole[]) => roles.map((r) => tables[r].tableArn);
  const readOnly = access.read.filter((r) => !access.write.includes(r));
  if (access.write.length) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...DYNAMODB_READ_ACTIONS, ...DYNAMODB_WRITE_ACTIONS], resources: arns(access.write) }),
    );
  }
  if (readOnly.length) {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...DYNAMODB_READ_ACTIONS], resources: arns(readOnly) }));
  }
}
