import path from 'node:path';
import { Option, type Command } from 'commander';
import { addSubstrateOptions, instanceOption, upOptions, type UpFlags } from '../../infra/local/cli.ts';
import { down, up } from '../../shared/engines/substrate.ts';
import { readState, type SubstrateState } from '../../shared/engines/state.ts';
import { guardInstance } from '../../shared/engines/instance-guard.ts';
import { watchEngines } from '../../shared/engines/engine-watch.ts';
import { stopProcess } from '../../shared/engines/processes.ts';
import type { InstanceLock } from '../../shared/runtime/instance-lock.ts';
import { handleStopSignals, type StopSignals } from '../../shared/runtime/stop-signals.ts';
import { prepareOut } from './out-dir.ts';
import type { Results } from '../results/schema.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { UserError } from '../../shared/errors.ts';
import { intOption } from '../../shared/cli/options.ts';
import { VARIANTS, variantOf } from '../../infra/variants.ts';
import { isRunning } from '../../shared/engines/processes.ts';
import { parseFailureSpec, parseFaultList, readConfigFile, resolveConfig, type BenchConfig } from '../config.ts';
import { FAULTS } from '../faults/catalog.ts';
import { PRICE_TABLE } from '../cost/prices.ts';
import { createProgress } from '../progress.ts';
import { writeResults } from '../results/write.ts';
import { readDeployment } from '../../infra/deploy/record.ts';
import { PhaseClock } from '../phases.ts';
import { confirmAwsRun, DEFAULT_AWS_MAX_ORDERS, DEFAULT_PROVIDER_SETTLE_SECONDS, formatAwsPlan, planAwsRun } from './aws-plan.ts';

interface BenchFlags extends UpFlags {
  config?: string;
  variants?: string;
  orders?: number;
  warmup?: number;
  concurrency?: number;
  rate?: number;
  levels?: string;
  loop?: 'closed' | 'open';
  seed?: number;
  failures?: string;
  payloadBytes?: number;
  target?: 'local' | 'aws';
  out?: string;
  floorOrders?: number;
  repeat?: number;
  changeImpact?: boolean;
  deadline?: number;
  faults?: string;
  faultLevel?: number;
  freeTier?: boolean;
  temporalPlan?: string;
  retentionDays?: number;
  duration?: number;
  keep: boolean;
  quiet: boolean;
  dryRun?: boolean;
  yes?: boolean;
  maxOrders?: number;
  estimateFrom?: string;
  providerSettle?: number;
  deployed?: boolean;
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Flags as config keys; only the ones given, so the file and the defaults fill the rest. */
export function flagsToConfig(f: BenchFlags): Record<string, unknown> {
  if (f.levels !== undefined && (f.concurrency !== undefined || f.rate !== undefined))
    throw new UserError('--levels names every level; give it without --concurrency or --rate (or use --loop to pick the kind)', 2);
  if (f.concurrency !== undefined && f.rate !== undefined)
    throw new UserError('--concurrency (closed loop) and --rate (open loop) exclude each other', 2);
  const levels =
    f.levels !== undefined
      ? list(f.levels).map((x) => {
          const n = Number(x);
          if (!Number.isFinite(n) || n <= 0) throw new UserError(`--levels: '${x}' is not a positive number`, 2);
          return n;
        })
      : f.concurrency !== undefined
        ? [f.concurrency]
        : f.rate !== undefined
          ? [f.rate]
          : undefined;
  const loop = f.concurrency !== undefined ? 'closed' : f.rate !== undefined ? 'open' : f.loop;
  // A soak is an open loop held for a time: its orders are the rate times the duration.
  if (f.duration !== undefined && (f.rate === undefined || f.orders !== undefined))
    throw new UserError('--duration needs --rate (an open loop at that rate for that long) and takes the place of --orders', 2);
  const orders = f.duration !== undefined ? Math.ceil(f.rate! * 60 * f.duration) : f.orders;
  if (f.variants !== undefined) {
    const unknown = list(f.variants).filter((v) => !(VARIANTS as readonly string[]).includes(v));
    if (unknown.length) throw new UserError(`--variants: unknown variant ${unknown.join(', ')} (choose from ${VARIANTS.join(', ')})`, 2);
  }
  return {
    variants: f.variants !== undefined ? list(f.variants) : undefined,
    orders,
    warmup: f.warmup,
    seed: f.seed,
    loop,
    levels,
    failures: f.failures !== undefined ? parseFailureSpec(f.failures) : undefined,
    payloadBytes: f.payloadBytes,
    target: f.target,
    out: f.out,
    floorOrders: f.floorOrders,
    repeat: f.repeat,
    changeImpact: f.changeImpact === false ? false : undefined,
    deadlineSeconds: f.deadline,
    faults: f.faults !== undefined ? parseFaultList(f.faults) : undefined,
    faultLevel: f.faultLevel,
    billing:
      f.freeTier !== undefined || f.temporalPlan !== undefined || f.retentionDays !== undefined
        ? Object.fromEntries(
            Object.entries({ freeTier: f.freeTier, temporalPlan: f.temporalPlan, retentionDays: f.retentionDays }).filter(
              ([, v]) => v !== undefined,
            ),
          )
        : undefined,
  };
}

function defaultOut(): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  return path.join(PROJECT_ROOT, 'results', stamp);
}

export function registerBenchCommand(program: Command): void {
  addSubstrateOptions(
    program
      .command('bench')
      .description('run the benchmark: the same seeded orders through each variant at each load level; writes <out>/results.json')
      .option('--config <file>', 'settings from a JSON or YAML file (schema: bench/schema/bench-config.schema.json); flags override it')
      .option('--variants <list>', `comma-separated, from ${VARIANTS.join(',')} (default: all)`)
      .addOption(new Option('--orders <n>', 'measured orders per variant and level (default 60)').argParser(intOption(1, 100_000)))
      .addOption(new Option('--warmup <n>', 'unmeasured orders before each level (default 5)').argParser(intOption(0, 10_000)))
      .addOption(new Option('--concurrency <n>', 'closed loop with this many clients (one level)').argParser(intOption(1, 1000)))
      .addOption(
        new Option('--rate <r>', 'open loop at r orders per second (one level)').argParser((v) => {
          const n = Number(v);
          if (!Number.isFinite(n) || n <= 0 || n > 1000)
            throw new UserError(`--rate: '${v}' is not a rate in (0, 1000] orders per second`, 2);
          return n;
        }),
      )
      .option('--levels <list>', 'a sweep: clients (closed loop) or orders/s (open loop), comma-separated (default 1,8,24)')
      .addOption(new Option('--loop <kind>', 'closed or open loop for --levels (default closed)').choices(['closed', 'open']))
      .addOption(new Option('--seed <s>', 'workload seed (default 42)').argParser(intOption(0, 2 ** 31 - 1)))
      .option('--failures <spec>', 'percent of orders per fault: out-of-stock=5,decline=5,shipping=5,transient=10,duplicate=2')
      .addOption(new Option('--payload-bytes <n>', 'extra bytes of notes per order (default 0)').argParser(intOption(0, 200_000)))
      .addOption(new Option('--target <where>', 'local emulators or AWS (default local)').choices(['local', 'aws']))
      .option('--out <dir>', 'where results.json goes (default: results/<timestamp>)')
      .addOption(
        new Option('--floor-orders <n>', 'no-op chains per level for the substrate floor; 0 skips it (default 20)').argParser(
          intOption(0, 10_000),
        ),
      )
      .addOption(
        new Option(
          '--repeat <n>',
          'run every variant and level n times, interleaved (A B C A B C); figures get 95 % intervals (default 1)',
        ).argParser(intOption(1, 20)),
      )
      .option('--no-change-impact', 'skip the scripted "add a fraud check" change (about a minute per variant)')
      .addOption(
        new Option('--deadline <seconds>', 'an order not terminal this long after its start counts as lost (default 120)').argParser(
          intOption(5, 3600),
        ),
      )
      .option('--faults <list>', `inject faults, each in a run of its own per variant: ${FAULTS.join(',')} or all`)
      .addOption(
        new Option('--fault-level <n>', 'load level of the fault runs (default: the second level)').argParser((v) => {
          const n = Number(v);
          if (!Number.isFinite(n) || n <= 0 || n > 1000) throw new UserError(`--fault-level: '${v}' is not a positive level`, 2);
          return n;
        }),
      )
      .option('--free-tier', "count AWS's always-free allowances in the monthly projection (default: not counted; an account shares them)")
      .addOption(
        new Option('--temporal-plan <plan>', 'Temporal Cloud plan the projection bills (default business)').choices(
          PRICE_TABLE.temporalPlans.map((p) => p.id),
        ),
      )
      .addOption(
        new Option('--retention-days <n>', "Temporal Cloud namespace's history retention, for retained storage (default 30)").argParser(
          intOption(1, 90),
        ),
      )
      .addOption(
        new Option('--duration <minutes>', 'soak: hold the open loop of --rate this many minutes (orders = rate x duration)').argParser(
          (v) => {
            const n = Number(v);
            if (!Number.isFinite(n) || n <= 0 || n > 24 * 60)
              throw new UserError(`--duration: '${v}' is not a number of minutes in (0, 1440]`, 2);
            return n;
          },
        ),
      )
      .option(
        '--deployed',
        '--target local: drive the variants deployed on --instance (sagabench deploy <v> --target local) instead of fresh resources',
      )
      .option('--dry-run', '--target aws: print the plan and the estimated bill, call nothing on AWS')
      .option('--yes', '--target aws: place the orders without asking to confirm the estimated bill')
      .addOption(
        new Option(
          '--max-orders <n>',
          `--target aws: the most orders the run may place, warmup included (default ${DEFAULT_AWS_MAX_ORDERS})`,
        ).argParser(intOption(1, 1_000_000)),
      )
      .option(
        '--estimate-from <results>',
        '--target aws: local results whose counted operations price the estimate (default: the newest under results/)',
      )
      .addOption(
        new Option(
          '--provider-settle <seconds>',
          `--target aws: wait this long after each level before reading the functions' REPORT lines and CloudWatch's metrics (default ${DEFAULT_PROVIDER_SETTLE_SECONDS}; metrics arrive minutes late)`,
        ).argParser(intOption(0, 3600)),
      )
      .option('--keep', 'leave a substrate this command started running', false)
      .option('--quiet', 'no progress output', false)
      .addOption(instanceOption()),
  ).action(async (flags: BenchFlags) => {
    // Everything the user gave is checked before anything starts.
    const config: BenchConfig = resolveConfig(
      flags.config ? readConfigFile(flags.config) : undefined,
      flagsToConfig(flags),
      flags.config ? `config (${flags.config} + flags)` : 'flags',
    );
    const awsOnly = (['dryRun', 'yes', 'maxOrders', 'estimateFrom', 'providerSettle'] as const).filter((k) => flags[k] !== undefined);
    if (config.target !== 'aws' && awsOnly.length)
      throw new UserError(
        `${awsOnly.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}: only with --target aws`,
        2,
      );
    if (flags.deployed && config.target === 'aws')
      throw new UserError('--deployed drives a local deployment; on AWS, --target aws drives the deployed stacks', 2);
    if (config.target === 'aws') {
      // First, so a machine without credentials hears so in seconds; a dry run reads only local files
      // (the deployment records and the local results the estimate prices) and calls nothing on AWS.
      // Loaded here: the credential chain's SDK must not slow down every other command.
      if (!flags.dryRun)
        await (await import('../../infra/deploy/credentials.ts')).checkAwsEnvironment({ nothingDone: 'No order was placed.' });
      // Temporal's SDK loads only here, and only for a run that will place orders: every other command would pay for it on each start.
      const resolveTemporal = flags.dryRun ? undefined : (await import('../../shared/temporal/connection.ts')).resolveTemporalTarget;
      const plan = planAwsRun(config, {
        ...(resolveTemporal
          ? {
              temporalAddress: () => {
                try {
                  return resolveTemporal().address;
                } catch {
                  return undefined;
                }
              },
            }
          : {}),
        maxOrders: flags.maxOrders ?? DEFAULT_AWS_MAX_ORDERS,
        ...(flags.estimateFrom ? { estimateFrom: flags.estimateFrom } : {}),
      });
      console.log(formatAwsPlan(plan, config));
      if (flags.dryRun) return;
      if (!flags.yes) await confirmAwsRun(plan);
      const { runOnAws } = await import('./aws-run.ts');
      await runOnAws(config, {
        out: path.resolve(config.out ?? defaultOut()),
        quiet: flags.quiet,
        settleSeconds: flags.providerSettle ?? DEFAULT_PROVIDER_SETTLE_SECONDS,
      });
      return;
    }
    if (flags.deployed) checkDeployed(config, flags.instance);
    const out = path.resolve(config.out ?? defaultOut());
    const outDir = prepareOut(out);
    const log = flags.quiet ? () => {} : (l: string) => console.error(l);
    let lock: InstanceLock | undefined;
    let signals: StopSignals | undefined;
    let watch: { stop(): Promise<void> } | undefined;
    let before: SubstrateState | undefined;
    let written = false;
    let afterDeath: ((err: Error) => void) | undefined;
    let enginesDown: Promise<unknown> | undefined;
    const phases = new PhaseClock();
    try {
      lock = await guardInstance(flags.instance, (l) => console.error(`sagabench: ${l}`));
      // The harness loads here, not with the CLI: every other command (and every refusal above) would pay
      // for the Temporal worker on each start. The report is drawn by a child process (Vega stays out of here).
      const [{ runBenchmark }, { endRun }, { staticCouplingsInChild }] = await Promise.all([
        import('../run.ts'),
        import('./run-end.ts'),
        import('../coupling/run.ts'),
      ]);
      signals = handleStopSignals((l) => console.error(l));
      // It reads only the code: worked out beside the engines' start rather than between the variants' levels
      // (a failure here is met again, and reported, where a variant's coupling is measured).
      const stop = signals.stop;
      const statics = phases.time('coupling', () => staticCouplingsInChild(config.variants, stop)).catch(() => undefined);
      // The workload's transient faults are planned; a worker's WARN per retry would only bury the progress.
      process.env.SAGABENCH_TEMPORAL_LOG_LEVEL ??= 'ERROR';
      before = readState(flags.instance);
      // Engines this run starts die with it, even by SIGKILL: a watchdog stops them once this pid is gone.
      const r = await phases.time('engines', () =>
        up({ ...upOptions(flags), log, ...(before || flags.keep ? {} : { ownerPid: process.pid }) }),
      );
      // Settled before any order is timed: with the engines already running, `up` returns at once.
      const staticCoupling = await statics;
      const ownsEngines = !before && !flags.keep;
      if (ownsEngines) lock.markOwnsEngines();
      const stops = signals;
      // Once an engine is dead, a client library's retry timer can still throw into a closed channel
      // (Temporal's gRPC retry does): a consequence of the line already printed, not a crash to report.
      afterDeath = (err: Error) => {
        if (stops.reason()?.exitCode !== 1) throw err;
        process.exitCode = 1;
      };
      process.on('uncaughtException', afterDeath);
      watch = watchEngines(r.state, (e) => {
        const what =
          e.how === 'died'
            ? 'died during the run'
            : `stopped answering (nothing for ${Math.round((e.silentMs ?? 0) / 1000)} s: frozen or hung)`;
        console.error(`\nsagabench: the ${e.name} engine (pid ${e.pid}) ${what}; stopping (its log: ${e.log})`);
        stops.stopNow({ why: `the ${e.name} engine (pid ${e.pid}) ${e.how === 'died' ? 'died' : 'froze'}`, exitCode: 1 });
        // Stopped at once when this run started it: every call to it then fails fast, as with a dead
        // engine, instead of each waiting out its 30 s timeout while the run winds down.
        if (e.how === 'frozen' && ownsEngines) void stopProcess(e.process).catch(() => undefined);
      });
      const progress = createProgress(process.stderr, flags.quiet);
      let writeError: string | undefined;
      // A checkpoint that cannot be written (a full disk) is reported, not a crash that loses the run.
      const checkpoint = (res: Results) => {
        try {
          writeResults(out, res);
          written = true;
          writeError = undefined;
        } catch (err) {
          if (!writeError) console.error(`sagabench: could not write ${path.join(out, 'results.json')}: ${(err as Error).message}`);
          writeError = (err as Error).message;
        }
      };
      let results: Results;
      try {
        results = await runBenchmark({
          config,
          substrate: r.state,
          signal: signals.stop,
          abandon: signals.abandon,
          progress,
          checkpoint,
          phases,
          ...(staticCoupling ? { staticCoupling } : {}),
          // Engines this run started are stopped while the change impact is worked out and the report drawn, not after.
          ...(ownsEngines
            ? {
                levelsDone: () => {
                  const watching = watch;
                  watch = undefined;
                  enginesDown = phases.time('engines', async () => {
                    await watching?.stop();
                    await down(flags.instance);
                  });
                  enginesDown.catch(() => undefined);
                },
              }
            : {}),
          ...(flags.deployed ? { deployed: true } : {}),
        }).finally(() => progress.close());
      } catch (err) {
        // A dead engine fails whatever was talking to it: the line naming the engine is the reason, not this error.
        const reason = signals.reason();
        if (reason) {
          // A stop the user asked for (a second Ctrl-C or SIGTERM that stopped waiting) can leave a
          // variant that would not stop in time: one line says what, not a stack trace.
          if (reason.exitCode !== 1) console.error(`sagabench: ${reason.why}; then ${(err as Error).message}`);
          if (written) console.error(`sagabench: partial results: ${path.join(out, 'results.json')}`);
          process.exitCode = reason.exitCode;
          return;
        }
        throw err;
      }
      if (writeError) throw new UserError(`the results could not be written to ${out} (${writeError})`);
      await phases.time('report', () => endRun(out, results, stops));
    } finally {
      await watch?.stop();
      // After a death the handler stays to the end: the timers it covers can fire after this returns.
      if (afterDeath && signals?.reason()?.exitCode !== 1) process.off('uncaughtException', afterDeath);
      signals?.dispose();
      if (lock && !before && !flags.keep) {
        // After an early stop too: one that failed, or was cut short by an error, is finished here.
        await enginesDown?.catch(() => undefined);
        await phases.time('engines', () => down(flags.instance));
      }
      lock?.release();
      if (!written) outDir.cleanup();
      if (written) log(phases.summary());
    }
  });
}

/** `--deployed`: every variant named has a live local deployment on the instance that the harness can drive. */
function checkDeployed(config: BenchConfig, instance: string): void {
  if (config.target !== 'local')
    throw new UserError('--deployed drives a local deployment; on AWS, --target aws drives the deployed stacks', 2);
  if (config.faults.length)
    throw new UserError(
      "--deployed: faults stop and start the variant's processes, which belong to the deployment; run faults without --deployed",
      2,
    );
  for (const v of config.variants) {
    if (!variantOf(v).deployedTarget)
      throw new UserError(
        `--deployed: driving a deployed ${v} is not implemented yet (choose from ${VARIANTS.filter((x) => variantOf(x).deployedTarget).join(', ')})`,
        2,
      );
    const d = readDeployment(v, { target: 'local', instance });
    if (!d || d.placement.target !== 'local')
      throw new UserError(
        `--deployed: ${v} is not deployed on instance '${instance}': run \`sagabench deploy ${v} --target local --instance ${instance}\` first`,
        2,
      );
    if (!d.placement.host || d.placement.host.pid <= 0 || !isRunning(d.placement.host.pid))
      throw new UserError(
        `--deployed: the ${v} deployment on '${instance}' is recorded but its host process is not running; deploy it again`,
        2,
      );
  }
}
