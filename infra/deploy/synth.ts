import path from 'node:path';
import { UserError } from '../../shared/errors.ts';

export interface SynthOptions {
  outdir: string;
  context?: Record<string, string | boolean>;
}

export interface Synthesized {
  assemblyDir: string;
  stacks: { name: string; template: string }[];
}

/**
 * Synthesizes the CDK app in-process, offline: the Lambda code is bundled by the
 * local esbuild and the worker image's build context is only staged (Docker
 * builds it at deploy time). cdk-nag runs as part of synthesis; an
 * unacknowledged finding fails it.
 */
export async function synthesize(opts: SynthOptions): Promise<Synthesized> {
  // Loaded on use: aws-cdk-lib takes a second to load, and most commands never need it.
  const { buildApp } = await import('../cdk/app.ts');
  let assembly;
  try {
    const { app } = await buildApp({ outdir: opts.outdir, ...(opts.context ? { context: opts.context } : {}) });
    assembly = app.synth();
  } catch (err) {
    const msg = (err as Error).message ?? '';
    if (/Validation failed|\(AwsSolutions\)/.test(msg)) throw new UserError(`cdk-nag found unacknowledged findings:\n${msg}`, 1);
    throw err;
  }
  return {
    assemblyDir: assembly.directory,
    stacks: assembly.stacks.map((s) => ({ name: s.stackName, template: path.join(assembly.directory, s.templateFile) })),
  };
}
