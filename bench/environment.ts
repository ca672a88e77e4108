import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../shared/paths.ts';
import type { SubstrateState } from '../shared/engines/state.ts';

const SDK_PACKAGES = [
  '@aws-sdk/client-sqs',
  '@aws-sdk/client-sns',
  '@aws-sdk/client-sfn',
  '@aws-sdk/client-dynamodb',
  '@temporalio/client',
  '@temporalio/worker',
];

/** Where and with what a run was made. Names versions and the machine; never copies environment variables. */
export function describeEnvironment(target: 'local' | 'aws', substrate: SubstrateState | undefined) {
  const cpus = os.cpus();
  return {
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: `${os.type()} ${os.release()}`,
      arch: os.arch(),
    },
    // The Node that ran the harness: npm may run on an older one and start this on the project's own Node 24.
    node: process.version,
    sdk: Object.fromEntries(SDK_PACKAGES.map((p) => [p, installedVersion(p)])),
    emulators:
      target === 'local' && substrate
        ? { moto: substrate.moto.version, motoPatched: substrate.moto.patched, temporalCli: substrate.temporal.version }
        : null,
    target,
    emulatorNumbers: target === 'local',
    git: gitState(),
  };
}

function installedVersion(pkg: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

function gitState(): { commit: string; dirty: boolean } | null {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 };
  } catch {
    return null;
  }
}
