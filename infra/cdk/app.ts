// The CDK app: `npx cdk synth` runs this file (cdk.json), and `sagabench
// synth/deploy` and the tests call buildApp in-process, so all three build the
// same stacks from the same context.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import type { Stack } from 'aws-cdk-lib';
import { dataStackName } from '../../shared/topology/stacks.ts';
import { appConfig, type AppConfig } from './config.ts';
import { addNagChecks } from '../../shared/cdk/nag.ts';
import { DataStack } from './stacks/data.ts';
import { REGISTRY, variantStack, type VariantName } from '../variants.ts';

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
  /** Each registered variant's own stack, by variant name. */
  stacks: Record<VariantName, Stack>;
}

/** cdk.json's context (feature flags) applies in-process too, or the two ways to synth would differ. */
function cdkJsonContext(): Record<string, unknown> {
  const file = path.join(PROJECT_ROOT, 'cdk.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}

export async function buildApp(opts: BuildAppOptions = {}): Promise<SagabenchApp> {
  const app = new App({ ...(opts.outdir ? { outdir: opts.outdir } : {}), context: { ...cdkJsonContext(), ...opts.context } });
  try {
    return await buildStacks(app);
  } catch (err) {
    // Given no folder (and none by the CDK CLI), the App made a temporary one as it was built: a
    // refused context must not leave it behind.
    if (!opts.outdir && !process.env.CDK_OUTDIR) fs.rmSync(app.outdir, { recursive: true, force: true });
    throw err;
  }
}

async function buildStacks(app: App): Promise<SagabenchApp> {
  const config = appConfig((k) => app.node.tryGetContext(k));
  const describe = (what: string) => `sagabench (${config.prefix}): ${what}`;
  const dataName = dataStackName(config.prefix);
  const data = new DataStack(app, dataName, {
    prefix: config.prefix,
    stackName: dataName,
    description: describe('tables, event store, claim checks'),
  });
  const stacks = {} as Record<VariantName, Stack>;
  for (const variant of REGISTRY) {
    const name = variantStack(config.prefix, variant.name);
    const build = await variant.deploy.cdkStack();
    const stack = build(app, name, { prefix: config.prefix, stackName: name, tables: data.tables, settings: config, describe });
    stack.addStackDependency(data, 'reads the tables (and the event store stream)');
    stacks[variant.name] = stack;
  }
  addNagChecks(app);
  return { app, config, data, stacks };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  (await buildApp()).app.synth();
}
