import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';
import { dataStackName } from '../../shared/topology/stacks.ts';
import { variantOf, variantStack, type VariantName as DeployVariant } from '../variants.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { checkAwsEnvironment, type CheckOptions } from './credentials.ts';
import {
  awsDeploymentFromOutputs,
  otherDeployments,
  readDeployment,
  removeDeployment,
  writeDeployment,
  type Deployment,
  type StackOutputs,
} from './record.ts';
import { synthesize } from './synth.ts';

export interface AwsOptions {
  prefix: string;
  /** The cloud assembly directory (cdk.out). */
  outdir: string;
  context: Record<string, string | boolean>;
  /** Skip the CDK CLI's confirmation of security-relevant changes (--require-approval never). */
  yes: boolean;
  log: (line: string) => void;
  credentials?: CheckOptions;
}

/** The CDK CLI of this project (package aws-cdk), run with the same Node. */
function cdkCli(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('aws-cdk/package.json')), 'bin', 'cdk');
}

async function runCdk(args: string[], log: (l: string) => void): Promise<void> {
  log(`cdk ${args.join(' ')}`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [cdkCli(), ...args], { cwd: PROJECT_ROOT, stdio: 'inherit', env: process.env });
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new UserError(`cdk ${args[0]} failed (exit ${code}); its output above says why.`, 1);
}

/** The worker image is built at deploy time; without Docker (or CDK_DOCKER's tool) that step would fail half-way. */
function checkDocker(): void {
  const docker = process.env.CDK_DOCKER ?? 'docker';
  const r = spawnSync(docker, ['info'], { stdio: 'ignore', timeout: 15_000 });
  if (r.error || r.status !== 0) {
    throw new UserError(
      `Deploying the Temporal worker builds its container image with ${docker}, which is not available here (${r.error?.message ?? `exit ${r.status}`}). ` +
        'Install and start Docker (or point CDK_DOCKER at finch or podman), then run again. Nothing was deployed.',
      1,
    );
  }
}

/**
 * Deploys the data stack and the variant's stack with the CDK CLI from an
 * assembly synthesized in-process, then records the stack outputs in
 * .tools/deployments/<variant>.json for `sagabench bench --target aws`.
 */
export async function deployAws(variant: DeployVariant, opts: AwsOptions): Promise<{ deployment: Deployment; file: string }> {
  const env = await checkAwsEnvironment(opts.credentials);
  if (variantOf(variant).deploy.needsDocker) checkDocker();
  opts.log(`AWS region ${env.region}; synthesizing into ${opts.outdir}`);
  const { assemblyDir } = await synthesize({ outdir: opts.outdir, context: { ...opts.context, prefix: opts.prefix } });
  const stacks = [dataStackName(opts.prefix), variantStack(opts.prefix, variant)];
  const outputsFile = path.join(assemblyDir, `${variant}.outputs.json`);
  fs.rmSync(outputsFile, { force: true });
  await runCdk(
    [
      'deploy',
      ...stacks,
      '--app',
      assemblyDir,
      '--outputs-file',
      outputsFile,
      '--require-approval',
      opts.yes ? 'never' : 'broadening',
      '--no-notices',
    ],
    opts.log,
  );
  const outputs = JSON.parse(fs.readFileSync(outputsFile, 'utf8')) as StackOutputs;
  const deployment = awsDeploymentFromOutputs(variant, opts.prefix, outputs);
  return { deployment, file: writeDeployment(deployment) };
}

/**
 * Destroys the variant's stack, and the shared data stack too unless another
 * variant's AWS deployment (same prefix) is still recorded or `keepData`.
 */
export async function destroyAws(variant: DeployVariant, opts: AwsOptions & { keepData: boolean }): Promise<{ destroyed: string[] }> {
  await checkAwsEnvironment(opts.credentials);
  const recorded = readDeployment(variant, { target: 'aws' });
  const prefix = recorded?.prefix ?? opts.prefix;
  const { assemblyDir } = await synthesize({ outdir: opts.outdir, context: { ...opts.context, prefix } });
  const data = dataStackName(prefix);
  const others = otherDeployments(variant, { target: 'aws' }, prefix);
  const stacks = [variantStack(prefix, variant), ...(opts.keepData || others.length ? [] : [data])];
  if (others.length && !opts.keepData) opts.log(`Keeping ${data}: still used by ${others.map((d) => d.variant).join(', ')}.`);
  // --exclusively: never the other variants' stacks that depend on the data stack. --force: the command itself is the request.
  await runCdk(['destroy', ...stacks, '--app', assemblyDir, '--exclusively', '--force', '--no-notices'], opts.log);
  removeDeployment(variant, { target: 'aws' });
  return { destroyed: stacks };
}
