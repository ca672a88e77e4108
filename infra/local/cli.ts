import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULTS, down, health, up, type UpOptions } from '../../shared/engines/substrate.ts';
import { readState, type SubstrateState } from '../../shared/engines/state.ts';
import { ensureTools } from '../../shared/engines/install.ts';
import { intOption, portRunOption } from '../../shared/cli/options.ts';
import type { MotoLayout } from '../../shared/engines/moto.ts';
import { UserError } from '../../shared/errors.ts';
import { guardInstance } from '../../shared/engines/instance-guard.ts';
import type { InstanceLock } from '../../shared/runtime/instance-lock.ts';

export interface UpFlags {
  instance: string;
  motoPort: number;
  motoLayout: MotoLayout;
  temporalPort: number;
  ui: boolean;
  uiPort?: number;
  json: boolean;
  foreground?: boolean;
}

export const instanceOption = () =>
  new Option('--instance <name>', 'name of the substrate instance (several can run on different ports)')
    .default(DEFAULTS.instance)
    .argParser((v: string) => {
      if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(v)) throw new InvalidArgumentError('use 1-32 lowercase letters, digits or dashes.');
      return v;
    });

/** The flags that say where the engines listen; shared by every command that may start them. */
export function addSubstrateOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--moto-port <port>', 'first moto port (split layout uses port, port+1, port+2)')
        .default(DEFAULTS.motoPort)
        .argParser(portRunOption(3)),
    )
    .addOption(
      new Option('--moto-layout <layout>', 'one moto process per service group, or one for all')
        .choices(['split', 'single'])
        .default(DEFAULTS.motoLayout),
    )
    .addOption(
      new Option('--temporal-port <port>', 'Temporal frontend gRPC port').default(DEFAULTS.temporalPort).argParser(intOption(1, 65535)),
    )
    .option('--ui', 'also serve the Temporal Web UI', false)
    .addOption(new Option('--ui-port <port>', 'Temporal Web UI port (default: temporal port + 1000)').argParser(intOption(1, 65535)));
}

export function upOptions(flags: UpFlags): UpOptions {
  return {
    instance: flags.instance,
    motoPort: flags.motoPort,
    motoLayout: flags.motoLayout,
    temporalPort: flags.temporalPort,
    ui: flags.ui,
    uiPort: flags.uiPort ?? flags.temporalPort + 1000,
    log: (l) => console.error(l),
  };
}

function describe(state: SubstrateState): string {
  const e = state.moto.endpoints;
  return [
    `sagabench local substrate '${state.instance}' (started ${state.startedAt})`,
    `  SQS            ${e.sqs}`,
    `  SNS            ${e.sns}`,
    `  Step Functions ${e.sfn}`,
    `  DynamoDB       ${e.dynamodb}`,
    `  Temporal       ${state.temporal.address} (namespace ${state.temporal.namespace})`,
    ...(state.temporal.uiUrl ? [`  Temporal UI    ${state.temporal.uiUrl}`] : []),
    `  moto ${state.moto.version}, Temporal CLI ${state.temporal.version}; logs in ${state.temporal.log.replace(/[^/]+$/, '')}`,
  ].join('\n');
}

/** `local up`: starts the engines (under the instance's lock); with --foreground, holds them until Ctrl-C. */
async function upAndWait(flags: UpFlags, lock: InstanceLock): Promise<void> {
  const r = await up(upOptions(flags));
  if (!r.alreadyRunning) lock.markOwnsEngines();
  if (flags.json) console.log(JSON.stringify(r.state, null, 2));
  else {
    if (r.alreadyRunning) console.log(`Already running; nothing started.`);
    console.log(describe(r.state));
  }
  if (!flags.foreground) return;
  const stopped = new Promise<string | undefined>((resolve) => {
    // Signal listeners alone do not keep Node alive; the watch timer does,
    // and it notices an engine that dies while we wait.
    const watch = setInterval(() => {
      void health(r.state).then((h) => {
        const dead = h.components.filter((c) => !c.running);
        if (dead.length) finish(`${dead.map((c) => c.name).join(', ')} exited; see ${dead.map((c) => c.log).join(', ')}`);
      });
    }, 2000);
    const finish = (why?: string) => {
      clearInterval(watch);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(why);
    };
    const onSignal = () => finish();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  // Node arms a signal listener a moment after it is added; announcing only
  // then means a Ctrl-C that follows the announcement is always caught.
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.error('Running in the foreground; Ctrl-C stops it.');
  const reason = await stopped;
  const d = await down(flags.instance);
  console.error(`Stopped ${d.stopped.length} processes.`);
  if (reason) throw new UserError(`The substrate failed while running: ${reason}`);
}

export function registerLocalCommands(program: Command): void {
  const local = program
    .command('local')
    .description('install, start, stop and inspect the local engines (moto server, Temporal dev server)');

  local
    .command('install')
    .description(`install the pinned engines into .tools/venv (done by 'up' on first use)`)
    .action(() => {
      const r = ensureTools((l) => console.error(l));
      console.log(r.installed ? `Installed into ${r.venv}` : `Already installed in ${r.venv}; nothing to do`);
    });

  addSubstrateOptions(
    local
      .command('up')
      .description('start moto and the Temporal dev server on 127.0.0.1 and wait until both answer')
      .addOption(instanceOption()),
  )
    .option('--json', 'print the substrate state as JSON', false)
    .option('--foreground', 'stay attached; Ctrl-C stops everything that was started', false)
    .action(async (flags: UpFlags) => {
      const lock = await guardInstance(flags.instance, (l) => console.error(`sagabench: ${l}`));
      try {
        await upAndWait(flags, lock);
      } finally {
        lock.release();
      }
    });

  local
    .command('down')
    .description('stop the processes recorded by up, and verify they are gone')
    .addOption(instanceOption())
    .action(async (flags: { instance: string }) => {
      const lock = await guardInstance(flags.instance, (l) => console.error(`sagabench: ${l}`));
      try {
        const r = await down(flags.instance);
        console.log(
          r.wasRunning
            ? `Stopped instance '${flags.instance}' (pids ${r.stopped.join(', ') || 'none left'}).`
            : `Nothing is running for instance '${flags.instance}'; nothing to stop.`,
        );
      } finally {
        lock.release();
      }
    });

  local
    .command('status')
    .description('report whether each engine is running and answering (exit 1 if not healthy)')
    .addOption(instanceOption())
    .option('--json', 'print health as JSON', false)
    .action(async (flags: { instance: string; json: boolean }) => {
      const state = readState(flags.instance);
      if (!state) {
        if (flags.json) console.log(JSON.stringify({ instance: flags.instance, running: false, healthy: false, components: [] }));
        else console.log(`Instance '${flags.instance}' is not running. Start it with: npx sagabench local up`);
        process.exitCode = 3;
        return;
      }
      const h = await health(state);
      if (flags.json) console.log(JSON.stringify({ instance: flags.instance, running: true, ...h, state }, null, 2));
      else {
        console.log(describe(state));
        for (const c of h.components) {
          const mark = c.running && c.answering ? 'ok  ' : 'FAIL';
          const bound = [...new Set(c.listening.map((l) => l.address))].join(',') || '-';
          console.log(
            `  [${mark}] ${c.name.padEnd(32)} pid ${String(c.pid).padEnd(7)} ${c.endpoint.padEnd(22)} listens on ${bound}${c.running ? '' : ' (process gone)'}${c.answering ? '' : ' (not answering)'}`,
          );
        }
      }
      if (!h.healthy) process.exitCode = 1;
    });

  addSubstrateOptions(
    local
      .command('smoke')
      .description('start the substrate if needed, drive every primitive the variants use through the real SDKs, report counts and rates')
      .addOption(instanceOption()),
  )
    .option('--keep', 'leave a substrate this command started running', false)
    .option('--json', 'print the report as JSON', false)
    .addOption(new Option('--concurrency <n>', 'concurrent clients in the throughput probe').default(10).argParser(intOption(1, 200)))
    .addOption(new Option('--ops <n>', 'operations per throughput probe').default(300).argParser(intOption(10, 100_000)))
    .action(async (flags: UpFlags & { keep: boolean; concurrency: number; ops: number }) => {
      const lock = await guardInstance(flags.instance, (l) => console.error(`sagabench: ${l}`));
      const before = readState(flags.instance);
      try {
        const r = await up(upOptions(flags));
        if (!before && !flags.keep) lock.markOwnsEngines();
        const report = await (
          await import('../../shared/engines/smoke.ts')
        ).runSmoke(r.state, { concurrency: flags.concurrency, ops: flags.ops, log: (l: string) => console.error(l) });
        console.log(flags.json ? JSON.stringify(report, null, 2) : report.text);
        if (!report.ok) process.exitCode = 1;
      } finally {
        if (!before && !flags.keep) {
          await down(flags.instance);
          await sleep(0);
        }
        lock.release();
      }
    });
}
