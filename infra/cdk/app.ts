// The CDK app: `npx cdk synth` runs this file (cdk.json), and `sagabench
// synth/deploy` and the tests call buildApp in-process, so all three build the
// same stacks from the same context.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { stackNames } from '../../shared/topology/stacks.ts';
import { appConfig, type AppConfig } from './config.ts';
import { addNagChecks } from './nag.ts';
import { DataStack } from './stacks/data.ts';
import { ChoreographyStack } from './stacks/choreography.ts';
import { StepFunctionsStack } from './stacks/stepfunctions.ts';
import { TemporalWorkerStack } from './stacks/temporal-worker.ts';

export interface BuildAppOptions {
  /** Where the cloud assembly goes (default: the CDK's, cdk.out under the working directory). */
  outdir?: string;
  /** Context on top of cdk.json's: prefix, stateMachineType, temporalSecret, containerInsights. */
  context?: Record<string, string | boolean>;
}

export interface SagabenchApp {
  app: App;
  config: AppConfig;
  data: DataStack;
  choreography: ChoreographyStack;
  stepfunctions: StepFunctionsStack;
  temporalWorker: TemporalWorkerStack;
}

/** cdk.json's context (feature flags) applies in-process too, or the two ways to synth would differ. */
function cdkJsonContext(): Record<string, unknown> {
  const file = path.join(PROJECT_ROOT, 'cdk.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}

export function buildApp(opts: BuildAppOptions = {}): SagabenchApp {
  const app = new App({ ...(opts.outdir ? { outdir: opts.outdir } : {}), context: { ...cdkJsonContext(), ...opts.context } });
  const config = appConfig((k) => app.node.tryGetContext(k));
  const names = stackNames(config.prefix);
  const tags = { description: (what: string) => `sagabench (${config.prefix}): ${what}` };

  const data = new DataStack(app, names.data, { prefix: config.prefix, stackName: names.data, description: tags.description('tables, event store, claim checks') });
  const choreography = new ChoreographyStack(app, names.choreography, {
    prefix: config.prefix,
    stackName: names.choreography,
    tables: data.tables,
    description: tags.description('choreography: SNS bus, SQS queues and DLQs, service functions'),
  });
  const stepfunctions = new StepFunctionsStack(app, names.stepfunctions, {
    prefix: config.prefix,
    stackName: names.stepfunctions,
    tables: data.tables,
    stateMachineType: config.stateMachineType,
    description: tags.description(`Step Functions ${config.stateMachineType} saga and task functions`),
  });
  const temporalWorker = new TemporalWorkerStack(app, names.temporalWorker, {
    prefix: config.prefix,
    stackName: names.temporalWorker,
    tables: data.tables,
    temporalSecret: config.temporalSecret,
    containerInsights: config.containerInsights,
    description: tags.description('Temporal worker on ECS Fargate'),
  });
  for (const stack of [choreography, stepfunctions, temporalWorker]) stack.addStackDependency(data, "reads the tables (and the event store stream)");
  addNagChecks(app);
  return { app, config, data, choreography, stepfunctions, temporalWorker };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildApp().app.synth();
}
