import { spawn } from 'node:child_process';
import path from 'node:path';
import { collect, type CliResult } from '../../shared/engines/test/cli-run.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';

export const DEPLOY_CLI = path.join(PROJECT_ROOT, 'infra', 'test', 'cli.ts');

/** Runs `sagabench <args>` with the deploy commands registered, as a user would, in its own process; `env` replaces the environment. */
export function runDeployCli(args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 180_000): Promise<CliResult> {
  const child = spawn(process.execPath, [DEPLOY_CLI, ...args], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, timeoutMs);
}
