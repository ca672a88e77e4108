import path from 'node:path';
import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_PREFIX } from '../../shared/topology/stacks.ts';
import { VARIANTS as DEPLOY_VARIANTS, variantOf, type VariantName as DeployVariant } from '../variants.ts';
import { addSubstrateOptions, instanceOption, upOptions, type UpFlags } from '../local/cli.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { DEFAULT_TEMPORAL_SECRET_NAME, STATE_MACHINE_TYPES, validatePrefix, type StateMachineType } from '../cdk/config.ts';

// Everything that loads aws-cdk-lib or the AWS SDK is imported inside the
// actions: registering these commands must not slow down every other command.

interface CdkFlags {
  prefix: string;
  stateMachineType: StateMachineType;
  temporalSecret: string;
  containerInsights: boolean;
  out: string;
}

interface DeployFlags extends CdkFlags, UpFlags {
  target: 'aws' | 'local';
  yes: boolean;
}

interface DestroyFlags extends CdkFlags {
  target: 'aws' | 'local';
  instance: string;
  keepData: boolean;
}

const log = (line: string) => console.error(line);

/**
 * A local deploy or destroy creates, resets or deletes resources on the instance's
 * engines (and may start them): under a bench on the same instance it would change
 * the system being measured, so it takes the instance lock as `bench` and `local up` do.
 * The lock is the command's, not the deployment's: the detached processes it leaves do not hold it.
 */
async function underInstanceLock<T>(instance: string, fn: () => Promise<T>): Promise<T> {
  const { guardInstance } = await import('../../shared/engines/instance-guard.ts');
  const lock = await guardInstance(instance, (l) => console.error(`sagabench: ${l}`));
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

function prefixOption(): Option {
  return new Option('--prefix <prefix>', 'name prefix of every stack and resource').default(DEFAULT_PREFIX).argParser((v: string) => {
    try {
      return validatePrefix(v);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  });
}

function addCdkOptions(cmd: Command): Command {
  return cmd
    .addOption(prefixOption())
    .addOption(
      new Option('--state-machine-type <type>', 'Step Functions workflow type (EXPRESS on AWS only)')
        .choices(STATE_MACHINE_TYPES)
        .default('STANDARD'),
    )
    .addOption(
      new Option('--temporal-secret <name-or-arn>', 'Secrets Manager secret with the Temporal address, namespace and API key').default(
        DEFAULT_TEMPORAL_SECRET_NAME,
      ),
    )
    .option('--container-insights', "turn on ECS Container Insights for the Temporal worker's cluster (extra CloudWatch cost)", false)
    .option('--out <dir>', 'cloud assembly directory', 'cdk.out');
}

const context = (f: CdkFlags): Record<string, string | boolean> => ({
  prefix: f.prefix,
  stateMachineType: f.stateMachineType,
  temporalSecret: f.temporalSecret,
  containerInsights: f.containerInsights ? 'true' : 'false',
});

const outdir = (f: CdkFlags) => path.resolve(PROJECT_ROOT, f.out);

const targetOption = () =>
  new Option('--target <where>', 'aws: CloudFormation stacks via the CDK; local: the local substrate and local processes')
    .choices(['aws', 'local'])
    .default('local');

/**
 * `deploy`, `destroy` and `synth`. Exit codes as everywhere: 0 done, 1 the
 * environment or a step failed (including --target aws without AWS
 * credentials or region, before anything is changed), 2 bad usage.
 */
export function registerDeployCommands(program: Command): void {
  addSubstrateOptions(
    addCdkOptions(
      program
        .command('deploy')
        .description(
          'deploy a variant: to AWS with the CDK (--target aws), or onto the local substrate with its processes running detached (--target local)',
        )
        .addArgument(new Argument('<variant>', 'which variant').choices(DEPLOY_VARIANTS))
        .addOption(targetOption())
        .addOption(instanceOption()),
    ),
  )
    .option('--yes', 'aws: do not ask to confirm IAM and security group changes', false)
    .option('--json', 'print the deployment record as JSON', false)
    .action(async (variant: DeployVariant, flags: DeployFlags) => {
      if (flags.target === 'aws') {
        const { deployAws } = await import('./aws.ts');
        const { deployment, file } = await deployAws(variant, {
          prefix: flags.prefix,
          outdir: outdir(flags),
          context: context(flags),
          yes: flags.yes,
          log,
        });
        if (flags.json) console.log(JSON.stringify(deployment, null, 2));
        else
          console.log(`Deployed ${variant} to AWS (${deployment.placement.target === 'aws' ? deployment.placement.region : ''}): ${file}`);
        return;
      }
      const { deployLocal, refuseLocalUsage } = await import('./local.ts');
      refuseLocalUsage(variant, flags.stateMachineType);
      const r = await underInstanceLock(flags.instance, () =>
        deployLocal(variant, { prefix: flags.prefix, up: upOptions(flags), stateMachineType: flags.stateMachineType, log }),
      );
      if (flags.json) console.log(JSON.stringify(r.deployment, null, 2));
      else console.log(describeLocal(r.deployment, r.file, r.alreadyDeployed));
    });

  addCdkOptions(
    program
      .command('destroy')
      .description('remove a deployed variant (and the shared tables once no other variant uses them), stopping every process it started')
      .addArgument(new Argument('<variant>', 'which variant, or all').choices([...DEPLOY_VARIANTS, 'all']))
      .addOption(targetOption())
      .addOption(instanceOption()),
  )
    .option('--keep-data', 'aws: keep the data stack (tables) even if no other variant uses it', false)
    .action(async (which: DeployVariant | 'all', flags: DestroyFlags) => {
      const variants = which === 'all' ? [...DEPLOY_VARIANTS] : [which];
      if (flags.target === 'aws') {
        const { destroyAws } = await import('./aws.ts');
        const { readDeployment } = await import('./record.ts');
        for (const v of variants) {
          if (which === 'all' && !readDeployment(v, { target: 'aws' })) continue;
          const r = await destroyAws(v, {
            prefix: flags.prefix,
            outdir: outdir(flags),
            context: context(flags),
            yes: true,
            keepData: flags.keepData,
            log,
          });
          console.log(`Destroyed ${r.destroyed.join(', ')}.`);
        }
        return;
      }
      const { destroyLocal } = await import('./local.ts');
      await underInstanceLock(flags.instance, async () => {
        for (const v of variants) {
          const r = await destroyLocal(v, { instance: flags.instance, log });
          if (r.wasDeployed)
            console.log(
              `Destroyed the local ${v} deployment on '${flags.instance}' (stopped pids ${r.stopped.join(', ') || 'none left'}).`,
            );
          else if (which !== 'all') console.log(`Nothing of ${v} is deployed locally on '${flags.instance}'; nothing to destroy.`);
        }
      });
    });

  addCdkOptions(
    program.command('synth').description('synthesize the CloudFormation templates offline (cdk-nag checks included) into --out'),
  )
    .option('--json', 'print the stacks and template paths as JSON', false)
    .action(async (flags: CdkFlags & { json: boolean }) => {
      const { synthesize } = await import('./synth.ts');
      const r = await synthesize({ outdir: outdir(flags), context: context(flags) });
      if (flags.json) console.log(JSON.stringify(r, null, 2));
      else
        console.log(
          [
            `Synthesized ${r.stacks.length} stacks into ${r.assemblyDir} (cdk-nag AwsSolutions: no unacknowledged findings):`,
            ...r.stacks.map((s) => `  ${s.name}  ${path.relative(process.cwd(), s.template)}`),
          ].join('\n'),
        );
    });
}

function describeLocal(d: import('./record.ts').Deployment, file: string, already: boolean): string {
  if (d.placement.target !== 'local') return file;
  const p = d.placement;
  const r = d.resources;
  const what = variantOf(d.variant).deploy.local.describe(r as never);
  return [
    already
      ? `${d.variant} is already deployed locally on '${p.instance}'; nothing changed.`
      : `Deployed ${d.variant} locally on '${p.instance}'.`,
    `  resources  ${what}; tables ${d.prefix}-*`,
    `  processes  host pid ${p.host?.pid ?? '?'} running pids ${p.childPids.join(', ') || '(none)'} (log ${p.host?.log ?? '-'})`,
    `  record     ${file}`,
    `  remove with: npx sagabench destroy ${d.variant} --target local --instance ${p.instance}`,
  ].join('\n');
}
