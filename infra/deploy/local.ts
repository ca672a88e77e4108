import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { UserError } from '../../shared/errors.ts';
import { ignoreMissing } from '../../shared/aws/not-found.ts';
import { resolveTemporalTarget } from '../../shared/temporal/connection.ts';
import { VARIANTS, variantOf, type VariantName as DeployVariant } from '../variants.ts';
import { findByCommand, isRunning, startDetached, stopProcess, tail, waitFor } from '../../shared/engines/processes.ts';
import { PROJECT_ROOT, runDir } from '../../shared/paths.ts';
import { down, health, up, type UpOptions } from '../../shared/engines/substrate.ts';
import { readState, type SubstrateState } from '../../shared/engines/state.ts';
import type { StateMachineType } from '../cdk/config.ts';
import {
  DEPLOYMENT_SCHEMA_VERSION,
  deploymentFile,
  otherDeployments,
  readDeployment,
  removeDeployment,
  writeDeployment,
  type Deployment,
  type DeploymentResources,
  type LocalPlacement,
} from './record.ts';

export const HOST_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'host-main.ts');

export interface LocalDeployOptions {
  prefix: string;
  /** Where the substrate runs, and how to start it if it does not. */
  up: UpOptions;
  stateMachineType: StateMachineType;
  log: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface LocalDeployResult {
  deployment: Deployment;
  file: string;
  alreadyDeployed: boolean;
}

type LocalDeployment = Deployment & { placement: LocalPlacement };

const hostLog = (variant: DeployVariant, instance: string) =>
  deploymentFile(variant, { target: 'local', instance }).replace(/\.json$/, '.host.log');

/** A live pid that still runs our host script for this record (never another process that got the pid). */
function hostAlive(host: LocalPlacement['host']): boolean {
  if (!host || host.pid <= 0 || !isRunning(host.pid)) return false;
  return cmdlineHas(host.pid, host.command.slice(-2));
}

function cmdlineHas(pid: number, parts: string[]): boolean {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return parts.every((p) => cmd.includes(p));
  } catch {
    return false;
  }
}

/** A Node process (whatever its path: the record may be older than this checkout's runtime). */
function runsNode(pid: number): boolean {
  try {
    return path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!) === 'node';
  } catch {
    return false;
  }
}

async function substrateHealthy(instance: string): Promise<SubstrateState | undefined> {
  const state = readState(instance);
  return state && (await health(state)).healthy ? state : undefined;
}

/**
 * Provisions the variant's resources on the local substrate (starting the
 * substrate first if it is not running) from the same topology modules the
 * CDK stacks use, then starts its processes under one detached host process,
 * records it all, and returns while they keep running.
 */
/** Bad usage for a local deploy fails here, before the command takes the instance lock or touches an engine. */
export function refuseLocalUsage(variant: DeployVariant, stateMachineType: StateMachineType): void {
  const refusal = variantOf(variant).deploy.local.refusal?.({ stateMachineType });
  if (refusal) throw new UserError(refusal, 2);
}

export async function deployLocal(variant: DeployVariant, opts: LocalDeployOptions): Promise<LocalDeployResult> {
  const instance = opts.up.instance;
  const where = { target: 'local' as const, instance };
  refuseLocalUsage(variant, opts.stateMachineType);
  const existing = readDeployment(variant, where);
  if (existing && existing.placement.target === 'local') {
    const live = hostAlive(existing.placement.host) && existing.placement.childPids.every(isRunning) && (await substrateHealthy(instance));
    if (live && existing.prefix === opts.prefix)
      return { deployment: existing, file: deploymentFile(variant, where), alreadyDeployed: true };
    if (live) throw new UserError(`${variant} is already deployed on '${instance}' with prefix '${existing.prefix}'; destroy it first.`, 2);
    opts.log(`The previous local deployment of ${variant} on '${instance}' is no longer running; removing what is left of it first.`);
    await destroyLocal(variant, { instance, log: opts.log, keepSubstrate: true });
  }

  let state = await substrateHealthy(instance);
  let startedSubstrate = false;
  if (!state) {
    opts.log(`The local substrate '${instance}' is not running; starting it.`);
    const r = await up(opts.up);
    state = r.state;
    startedSubstrate = !r.alreadyRunning;
  }
  // An earlier deploy may have started it: then the last destroy on the instance stops it.
  const inherited = otherLocal(variant, instance).some((d) => d.placement.substrateStartedByDeploy);

  const clients = createAwsClients({ kind: 'local', endpoints: state.moto.endpoints });
  let deployment: LocalDeployment | undefined;
  try {
    const provisioned = await provision(variant, clients, state, opts);
    const log = hostLog(variant, instance);
    const command = [process.execPath, HOST_SCRIPT, deploymentFile(variant, where)];
    deployment = {
      schemaVersion: DEPLOYMENT_SCHEMA_VERSION,
      variant,
      prefix: opts.prefix,
      deployedAt: new Date().toISOString(),
      tables: provisioned.tables,
      resources: provisioned.resources,
      placement: {
        target: 'local',
        instance,
        endpoints: state.moto.endpoints,
        traceDir: provisioned.traceDir,
        // Announced before the spawn: a deploy killed right after it still leaves a record `destroy` can act on.
        host: { pid: 0, command, log },
        childPids: [],
        substrateStartedByDeploy: startedSubstrate || inherited,
      },
    };
    if (inherited)
      for (const d of otherLocal(variant, instance))
        writeDeployment({ ...d, placement: { ...d.placement, substrateStartedByDeploy: false } });
    const file = writeDeployment(deployment);
    const host = startDetached(command, log, { cwd: PROJECT_ROOT });
    deployment = { ...deployment, placement: { ...deployment.placement, host } };
    writeDeployment(deployment);
    let childPids: number[] = [];
    await waitFor(
      `the ${variant} host process`,
      async () => {
        const ready = readyLine(log);
        if (ready) childPids = ready.pids;
        return ready !== undefined;
      },
      { timeoutMs: opts.readyTimeoutMs ?? 120_000, alive: () => isRunning(host.pid), log },
    );
    deployment = { ...deployment, placement: { ...deployment.placement, childPids } };
    writeDeployment(deployment);
    return { deployment, file, alreadyDeployed: false };
  } catch (err) {
    opts.log(`Deploy failed; removing what it created.`);
    if (deployment) await destroyLocal(variant, { instance, log: opts.log, keepSubstrate: !startedSubstrate }).catch(() => undefined);
    else if (startedSubstrate) await down(instance).catch(() => undefined);
    throw err;
  } finally {
    clients.destroy();
  }
}

function readyLine(log: string): { pids: number[] } | undefined {
  let text = '';
  try {
    text = fs.readFileSync(log, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    if (!line.includes('"ready"')) continue;
    try {
      const parsed = JSON.parse(line) as { ready?: string; pids?: number[] };
      if (parsed.ready === 'host' && Array.isArray(parsed.pids)) return { pids: parsed.pids };
    } catch {
      /* a log line that merely mentions ready */
    }
  }
  return undefined;
}

function otherLocal(variant: DeployVariant, instance: string): LocalDeployment[] {
  return VARIANTS.filter((v) => v !== variant)
    .map((v) => readDeployment(v, { target: 'local', instance }))
    .filter((d): d is LocalDeployment => d !== undefined && d.placement.target === 'local');
}

/** The variant's resources on the local substrate, from the same topology modules the CDK stacks use. */
function provision(variant: DeployVariant, clients: AwsClients, state: SubstrateState, opts: LocalDeployOptions) {
  return variantOf(variant).deploy.local.provision({
    clients,
    prefix: opts.prefix,
    temporal: resolveTemporalTarget({ address: state.temporal.address, namespace: state.temporal.namespace }),
    stateMachineType: opts.stateMachineType,
    // Per instance too: two instances may hold deployments under the same (default) prefix, and a
    // destroy removes its trace folder, which must not be the other deployment's.
    traceDir: path.join(runDir(), 'traces', `${opts.up.instance}-${opts.prefix}-${variant}`),
  });
}

export interface LocalDestroyOptions {
  instance: string;
  log: (line: string) => void;
  /** Leave the substrate running even if a deploy started it (a redeploy is about to use it). */
  keepSubstrate?: boolean;
}

/**
 * Stops the variant's host and every process under it, deletes the variant's
 * resources (and the tables, unless another local deployment on the instance
 * still uses them), and stops the substrate if a deploy started it and this
 * was the last local deployment on it. Returns false if nothing was recorded.
 */
export async function destroyLocal(
  variant: DeployVariant,
  opts: LocalDestroyOptions,
): Promise<{ wasDeployed: boolean; stopped: number[] }> {
  const where = { target: 'local' as const, instance: opts.instance };
  const d = readDeployment(variant, where);
  if (!d || d.placement.target !== 'local') return { wasDeployed: false, stopped: [] };
  const placement = d.placement;
  const stopped = await stopHost(placement);

  const others = otherLocal(variant, opts.instance);
  const state = await substrateHealthy(opts.instance);
  if (state) {
    const clients = createAwsClients({ kind: 'local', endpoints: state.moto.endpoints });
    try {
      await deprovision(clients, d, { tables: !others.some((o) => o.prefix === d.prefix) });
    } finally {
      clients.destroy();
    }
  }
  fs.rmSync(placement.traceDir, { recursive: true, force: true });
  fs.rmSync(placement.host?.log ?? hostLog(variant, opts.instance), { force: true });
  removeDeployment(variant, where);

  if (placement.substrateStartedByDeploy) {
    if (others.length) {
      // Hand the duty on: whichever local deployment goes last stops the substrate.
      const heir = others[0]!;
      writeDeployment({ ...heir, placement: { ...heir.placement, substrateStartedByDeploy: true } });
    } else if (!opts.keepSubstrate) {
      opts.log(`Stopping the local substrate '${opts.instance}' (deploy started it).`);
      const r = await down(opts.instance);
      stopped.push(...r.stopped);
    }
  }
  return { wasDeployed: true, stopped };
}

/** SIGTERM to the host's process group, then makes sure none of the processes it ran is left. */
async function stopHost(placement: LocalPlacement): Promise<number[]> {
  const stopped: number[] = [];
  const host = placement.host;
  if (host) {
    const pids = host.pid > 0 ? [host.pid] : findByCommand(host.command);
    for (const pid of pids) {
      if (!hostAlive({ ...host, pid })) continue;
      await stopProcess({ ...host, pid });
      stopped.push(pid);
    }
  }
  for (const pid of placement.childPids) {
    if (!isRunning(pid)) continue;
    // Only a process still running one of our entry points is ours to kill.
    if (runsNode(pid) && ourScripts.some((script) => cmdlineHas(pid, [script]))) {
      process.kill(pid, 'SIGKILL');
      stopped.push(pid);
    }
  }
  const deadline = Date.now() + 5000;
  while (placement.childPids.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const left = placement.childPids.filter(isRunning);
  if (left.length && host && hostAlive(host))
    throw new Error(`processes survived destroy: ${left.join(', ')}; see ${host.log}:\n${tail(host.log)}`);
  return stopped;
}

/** Every variant's entry scripts: a leftover pid is ours to kill only if it runs one of them. */
const ourScripts = [...new Set(VARIANTS.flatMap((v) => variantOf(v).deploy.local.scripts))];

async function deprovision(clients: AwsClients, d: Deployment, opts: { tables: boolean }): Promise<void> {
  await variantOf(d.variant).deploy.local.deprovision(clients, d.resources as never);
  if (opts.tables) {
    for (const name of Object.values(d.tables))
      await clients.dynamodb.send(new DeleteTableCommand({ TableName: name })).catch(ignoreMissing);
  }
}
