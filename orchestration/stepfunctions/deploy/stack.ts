import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType as SfnType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { SERVICES, type ServiceName } from '../../../shared/domain/contracts.ts';
import { accessOf, STEPFUNCTIONS_TASK_ACCESS } from '../../../shared/topology/access.ts';
import { stateMachineName } from '../../../shared/topology/stacks.ts';
import { tableNames, type TableRole } from '../../../shared/topology/tables.ts';
import { buildSagaDefinition } from '../definition.ts';
import { TASK_SERVICE, type TaskName } from '../../tasks.ts';
import { OUTPUTS, pascal, type StateMachineType } from '../../../shared/topology/outputs.ts';
import { bundledFunction, grantTableAccess } from '../../../shared/cdk/lambda.ts';
import { acknowledge, REASONS } from '../../../shared/cdk/nag.ts';

export interface StepFunctionsStackProps extends StackProps {
  prefix: string;
  tables: Record<TableRole, ITable>;
  stateMachineType: StateMachineType;
}

/** The definitionSubstitutions key of each service's task function. */
export const taskFunctionKey = (service: ServiceName): string => `${pascal(service)}TaskFunction`;

type Definition = ReturnType<typeof buildSagaDefinition>;

/**
 * The saga definition for AWS: the one builder with the Lambda binding, each
 * Task's Resource then pointed at the function of the service that owns the
 * task (TASK_SERVICE), so each service's function holds only its own grants.
 * The ARNs are `${...}` substitutions, resolved by CloudFormation.
 */
export function lambdaSagaDefinition(): Definition {
  const def = buildSagaDefinition({ binding: { kind: 'lambda', functionArn: '${TaskFunction}' } });
  for (const state of Object.values(def.States)) {
    if (state.Type !== 'Task') continue;
    const task = (state.Parameters as { task: TaskName }).task;
    state.Resource = '${' + taskFunctionKey(TASK_SERVICE[task]) + '}';
  }
  return def;
}

/**
 * The Step Functions variant: the state machine (STANDARD or EXPRESS, from
 * context) with logging and X-Ray tracing, and one Lambda task function per
 * service, bundled from the same task runner the local callback worker runs.
 */
export class StepFunctionsStack extends Stack {
  readonly stateMachine: StateMachine;
  readonly functions: Record<ServiceName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: StepFunctionsStackProps) {
    super(scope, id, props);
    const functions = {} as Record<ServiceName, NodejsFunction>;
    for (const service of SERVICES) {
      const fn = bundledFunction(this, `${pascal(service)}TaskFunction`, {
        entry: 'orchestration/stepfunctions/lambda-handler.ts',
        handler: 'handler',
        description: `stepfunctions: the ${service} service's saga tasks`,
        environment: { SAGABENCH_TABLES: JSON.stringify(tableNames(props.prefix)) },
        tracing: true,
      });
      grantTableAccess(fn, props.tables, accessOf(STEPFUNCTIONS_TASK_ACCESS, service, 'Step Functions task function'));
      acknowledge(fn.role!, 'AwsSolutions-IAM5[Resource::*]', REASONS.xray);
      functions[service] = fn;
      new CfnOutput(this, OUTPUTS.taskFunctionArn(service), { value: fn.functionArn });
    }
    this.functions = functions;

    const name = stateMachineName(props.prefix);
    // The vendedlogs prefix keeps CloudWatch's resource policy for Step Functions from growing per log group.
    const logGroup = new LogGroup(this, 'SagaLogs', {
      logGroupName: `/aws/vendedlogs/states/${name}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'Saga', {
      stateMachineName: name,
      stateMachineType: props.stateMachineType === 'EXPRESS' ? SfnType.EXPRESS : SfnType.STANDARD,
      definitionBody: DefinitionBody.fromString(JSON.stringify(lambdaSagaDefinition())),
      definitionSubstitutions: Object.fromEntries(SERVICES.map((s) => [taskFunctionKey(s), functions[s].functionArn])),
      // Every event, but not its data: state inputs carry the order's payment token and address.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    // Exactly the five function ARNs (grantInvoke would add "<arn>:*" for every version and alias).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: SERVICES.map((s) => functions[s].functionArn) }),
    );
    acknowledge(this.stateMachine, 'AwsSolutions-IAM5[Resource::*]', `${REASONS.sfnLogDelivery} ${REASONS.xray}`);

    new CfnOutput(this, OUTPUTS.stateMachineArn, { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, OUTPUTS.stateMachineType, { value: props.stateMachineType });
    new CfnOutput(this, OUTPUTS.stateMachineLogGroup, { value: logGroup.logGroupName });
  }
}
