import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, runDir } from '../shared/paths.ts';
import type { SubstrateState } from '../shared/engines/state.ts';
import { resetMoto } from '../shared/engines/moto.ts';
import { VARIANTS, variantOf, type VariantName } from '../infra/variants.ts';
import { deploymentFile, readDeployment, type Deployment, type Where } from '../infra/deploy/record.ts';
import type { BenchConfig } from './config.ts';
import type { Progress } from './progress.ts';
import { summarize } from './load/latency.ts';
import { PRICE_TABLE } from './cost/prices.ts';
import { estimateCost, type UsageSample } from './cost/model.ts';
import { projectMonthly } from './cost/monthly.ts';
import { mergeUsage, usageOf, whatIfs } from './cost/usage.ts';
import { runLevel, type LevelRun } from './run-level.ts';
import { measureFloor } from './floor/run.ts';
import { measureChangeImpacts, measureCoupling } from './coupling/run.ts';
import { faultResult } from './faults/result.ts';
import { addOutcomes, countOutcomes, latencies, p99PerMinute, sampleTraces, stepTimings, throughput } from './summaries.ts';
import { describeEnvironment } from './environment.ts';
import { p50Without, segmentSummaries, type Segment } from './attribution.ts';
import { projectOnAws } from './projection/project.ts';
import { isProjected } from '../shared/variant/aws-hops.ts';
import { bootstrapMedian, bootstrapQuantile, quantileOf } from './bootstrap.ts';
import { SCHEMA_VERSION, type LevelResult, type Results, type VariantResult } from './results/schema.ts';
import type { UnitRecord } from './load/loop.ts';
import type { TracePoint } from '../shared/messaging/trace.ts';
import type { Fault } from './faults/catalog.ts';
import { PhaseClock } from './phases.ts';
import type { StaticCoupling } from './coupling/static.ts';

export interface BenchContext {
  config: BenchConfig;
  /** The local engines; absent for `--target aws`, which drives the AWS records and starts nothing here. */
  substrate?: SubstrateState;
  /** First Ctrl-C: start nothing new, let orders in flight finish. */
  signal: AbortSignal;
  /** Second Ctrl-C: stop waiting for them. */
  abandon: AbortSignal;
  progress: Progress;
  /** Called with the results so far after every level, so an interrupted run still leaves them. */
  checkpoint(results: Results): void;
  /** `--deployed`: drive each variant's recorded local deployment on the instance instead of fresh resources. */
  deployed?: boolean;
  /** `--target aws`: what the provider counted over a level's window of a deployment, merged into its report (bench/aws/provider-counts.ts). */
  providerCounts?: (deployment: Deployment) => NonNullable<Parameters<typeof runLevel>[0]['providerCounts']>;
  /** Where the suite's wall time goes; the CLI prints it at the end. */
  phases?: PhaseClock;
  /**
   * The variants' static coupling, worked out beforehand (the CLI does it beside the engines' start);
   * a variant missing from it is worked out after its levels.
   */
  staticCoupling?: Map<VariantName, StaticCoupling>;
  /** Called once every level and fault run has run: nothing after it (the change impact, the report) needs the engines. */
  levelsDone?: () => void;
}

/**
 * A fresh emulator per run keeps moto's per-request costs from growing with
 * what it holds. But local deployments (`sagabench deploy --target local`) live
 * on the same emulator: with any recorded there, runs keep to their own fresh
 * prefixes instead of wiping the emulator under them.
 */
function resetterFor(substrate: SubstrateState | undefined, log: (l: string) => void): () => Promise<void> {
  // On AWS there is no emulator to reset: the run drives the deployed stacks as they are.
  if (!substrate) return async () => {};
  const deployed = VARIANTS.filter((v) => readDeployment(v, { target: 'local', instance: substrate.instance }));
  if (!deployed.length) return () => resetMoto(substrate.moto.processes);
  log(`Not resetting the emulator between runs: local deployments of ${deployed.join(', ')} live on instance '${substrate.instance}'.`);
  return async () => {};
}

const stopReason = (signal: AbortSignal): string => (typeof signal.reason === 'string' ? signal.reason : 'interrupted (Ctrl-C)');

/**
 * The processes' trace and meter files were read into the results; left on disk they would only pile up
 * run after run. A run killed with SIGKILL cleans nothing: its folders are swept by a later run once
 * nothing has written to them for an hour (a live run of any instance writes to its own every second).
 */
function removeTraceDirs(runTag: string): void {
  const dir = path.join(runDir(), 'traces');
  if (!fs.existsSync(dir)) return;
  const stale = Date.now() - 3_600_000;
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    try {
      const ours = name.startsWith(`b${runTag}-`) || name.startsWith(`f${runTag}-`);
      if (ours || (/^[bf][a-z0-9]+-/.test(name) && lastWrite(full) < stale)) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      /* removed meanwhile by another run's sweep */
    }
  }
}

/** Appending to a file leaves its folder's mtime alone: the newest file says when the folder was last written. */
const lastWrite = (dir: string): number =>
  fs.readdirSync(dir).reduce((m, f) => Math.max(m, fs.statSync(path.join(dir, f)).mtimeMs), fs.statSync(dir).mtimeMs);

/**
 * A level's orders, plan and trace points are needed only until its result is
 * summarized (and, for a variant's first level, until its coupling is measured):
 * kept longer, every level of a long suite would stay in memory. With --repeat the
 * levels pool their runs' orders, so their detail stays until the last repeat.
 */
function dropDetail(run: LevelRun): void {
  run.plan = [];
  run.records = [];
  run.warmupRecords = [];
  run.report = { ...run.report, traces: [] };
}

/** No variant always runs first (on a warmer machine, after a fresher emulator): the seed rotates the order. */
export function variantOrder(variants: readonly VariantName[], seed: number): VariantName[] {
  const k = seed % variants.length;
  return [...variants.slice(k), ...variants.slice(0, k)];
}

/** Segments the floor's bare chains (no-op relays, tasks or activities) do not have: they write nothing. */
const NOT_IN_FLOOR: readonly Segment[] = ['dynamodb'];

/** The level's p50 over its floor's, as measured and less the segments the floor does not have. */
function floorComparison(
  floor: NonNullable<LevelResult['floor']>,
  p50: number,
  records: UnitRecord[],
  traces: TracePoint[],
): NonNullable<LevelResult['floor']> {
  const ratio = (x: number) => (floor.p50Ms > 0 ? Math.round((x / floor.p50Ms) * 100) / 100 : null);
  const less = p50Without(records, traces, NOT_IN_FLOOR);
  return {
    ...floor,
    ratio: ratio(p50),
    ...(less === null ? {} : { lessUnshared: { segments: [...NOT_IN_FLOOR], p50Ms: less, ratio: ratio(less) } }),
  };
}

/**
 * One level's figures from its runs (one per repeat): latencies, segments and cost
 * pooled over every run's orders; throughput the median of the runs'; and, seeded
 * by the workload's seed, 95 % bootstrap intervals over repeats and orders.
 */
function levelResult(runs: LevelRun[], floor: LevelResult['floor'], seed: number, billing: BenchConfig['billing']): LevelResult {
  const records = runs.flatMap((r) => r.records);
  const traces = runs.flatMap((r) => r.report.traces);
  const lat = summarize(latencies(records));
  const accept = summarize(records.filter((r) => r.acceptedAt !== undefined).map((r) => r.acceptedAt! - r.submittedAt));
  const measured = new Set(records.map((r) => r.id));
  const usage = mergeUsage(runs.map(usageOf));
  const { variant: _v, ...cost } = estimateCost(usage, PRICE_TABLE, billing);
  const throughputs = runs.map((r) => throughput(r.records));
  const byRepeat = runs.map((r) => latencies(r.records));
  const perMinute = p99PerMinute(records);
  const observationFailures = runs.reduce((a, r) => a + (r.report.observationFailures ?? 0), 0);
  const provided = runs.flatMap((r) => (r.report.provider ? [r.report.provider] : []));
  return {
    loop: runs[0]!.shape.kind,
    level: runs[0]!.level,
    outcomes: countOutcomes(records),
    latencyMs: lat,
    acceptMs: accept,
    throughputPerSec: quantileOf(
      [...throughputs].sort((a, b) => a - b),
      0.5,
    ),
    wallMs: runs.reduce((a, r) => a + r.wallMs, 0),
    floor: floor ? floorComparison(floor, lat.p50, records, traces) : null,
    harnessCpuMsPerOrder: Math.round((runs.reduce((a, r) => a + r.harnessCpuMs, 0) / Math.max(1, records.length)) * 100) / 100,
    ...(runs.length > 1 ? { repeats: runs.length } : {}),
    ci: {
      p50: bootstrapQuantile(byRepeat, 0.5, seed),
      p99: bootstrapQuantile(byRepeat, 0.99, seed + 1),
      throughput: bootstrapMedian(throughputs, seed + 2),
    },
    stepsMs: stepTimings(traces, measured),
    segmentsMs: segmentSummaries(records, traces),
    cost,
    usage,
    invariants: runs.flatMap((r) => r.invariants),
    dlq: runs.flatMap((r) => r.dlq),
    ...(observationFailures ? { observationFailures } : {}),
    ...(provided.length
      ? {
          provider: {
            coldStarts: {
              invocations: provided.reduce((a, p) => a + p.coldStarts.invocations, 0),
              coldStarts: provided.reduce((a, p) => a + p.coldStarts.coldStarts, 0),
              initMsTotal: provided.reduce((a, p) => a + p.coldStarts.initMsTotal, 0),
            },
            sources: [...new Set(provided.flatMap((p) => p.sources))],
          },
        }
      : {}),
    ...(perMinute.length ? { p99PerMinuteMs: perMinute } : {}),
  };
}

/**
 * The whole suite: each variant in turn, each load level on a freshly reset
 * emulator, the floor beside it, then cost and coupling. Results are handed to
 * `checkpoint` after every level so Ctrl-C keeps what was measured.
 */
export async function runBenchmark(ctx: BenchContext): Promise<Results> {
  const { config, substrate } = ctx;
  const startedAt = new Date().toISOString();
  const order = variantOrder(config.variants, config.seed);
  const runTag = Date.now().toString(36).slice(-5);
  const variants: VariantResult[] = [];
  const usages = new Map<VariantName, UsageSample[]>();
  const env = describeEnvironment(config.target, substrate);
  let partialReason: string | undefined;
  const resetEmulator = resetterFor(substrate, (l) => ctx.progress.log(l));
  // A caller that prints no phase line still gets a clock: the level runner and the floor keep theirs the same way.
  const phases = ctx.phases ?? new PhaseClock();
  const reset = () => phases.time('resets', resetEmulator);

  const snapshot = (partial: boolean): Results => {
    // Each variant that ran, and its what-ifs, as a series of the monthly projection.
    const series = variants.flatMap((v) =>
      v.cost
        ? [
            { series: v.name as string, estimate: { variant: v.name, ...v.cost } },
            ...(v.alternatives ?? []).map((a) => ({ series: a.label, estimate: { variant: v.name, ...a.cost } })),
          ]
        : [],
    );
    return {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'sagabench', version: '0.1.0' },
      partial,
      ...(partial && partialReason ? { partialReason } : {}),
      environment: { ...env, startedAt, endedAt: new Date().toISOString() },
      workload: {
        seed: config.seed,
        orders: config.orders,
        warmup: config.warmup,
        loop: config.loop,
        levels: config.levels,
        ...(config.repeat > 1 ? { repeat: config.repeat } : {}),
        failures: config.failures,
        payloadBytes: config.payloadBytes,
        deadlineSeconds: config.deadlineSeconds,
        variantOrder: order,
        ...(config.faults.length ? { faults: config.faults } : {}),
      },
      variants,
      prices: PRICE_TABLE,
      projection: series.length ? projectMonthly(series, PRICE_TABLE, config.billing) : null,
      invariantsOk: variants.every((v) => v.invariants.every((i) => i.ok)),
    };
  };

  // A normal level and a fault run differ only in their level, index and fault.
  const where: Where = substrate ? { target: 'local', instance: substrate.instance } : { target: 'aws' };
  const deploymentOf = (variant: VariantName) => (ctx.deployed || !substrate ? readDeployment(variant, where) : undefined);
  const levelRun = (variant: VariantName, level: number, index: number, fault?: Fault) =>
    runLevel({
      ...(ctx.providerCounts && deploymentOf(variant) ? { providerCounts: ctx.providerCounts(deploymentOf(variant)!) } : {}),
      ...(deploymentOf(variant) && !fault ? { deployment: deploymentOf(variant)! } : {}),
      variant,
      level,
      index,
      config,
      substrate,
      runTag,
      signal: ctx.signal,
      abandon: ctx.abandon,
      progress: ctx.progress,
      ...(fault ? { fault } : {}),
      phases,
    });

  // Every run of a variant and level, one per repeat, and the level's floor (measured once, on the first).
  const runsOf = new Map<string, LevelRun[]>();
  const floors = new Map<string, LevelResult['floor']>();
  const resultOf = new Map<VariantName, VariantResult>();
  try {
    // Repeats interleave the variants (A B C A B C ...): a noisy minute lands on each, not on one.
    for (let repeat = 0; repeat < config.repeat; repeat++) {
      const last = repeat === config.repeat - 1;
      for (const variant of order) {
        if (ctx.signal.aborted) break;
        let result = resultOf.get(variant);
        if (!result) {
          result = {
            name: variant,
            latencyKind: variantOf(variant).latencyKind ?? 'measured',
            binding: '',
            processes: 0,
            levels: [],
            outcomes: { accepted: 0, completed: 0, cancelled: 0, rejected: 0, lost: 0, errors: 0 },
            cost: null,
            coupling: null,
            invariants: [],
            traces: [],
          };
          const d = deploymentOf(variant);
          if (d)
            result.deployment = {
              target: d.placement.target,
              ...(substrate ? { instance: substrate.instance } : {}),
              prefix: d.prefix,
              record: path.relative(PROJECT_ROOT, deploymentFile(variant, where)),
              deployedAt: d.deployedAt,
              resources:
                d.placement.target === 'aws'
                  ? `stacks ${d.placement.stacks.join(', ')} (account ${d.placement.account}, ${d.placement.region})`
                  : variantOf(variant).deploy.local.describe(d.resources as never),
            };
          resultOf.set(variant, result);
          variants.push(result);
        }
        const runs: LevelRun[] = [];
        for (const [index, level] of config.levels.entries()) {
          if (ctx.signal.aborted) break;
          await reset();
          // Each repeat its own ids: the Temporal server keeps workflow ids across resets.
          const run = await levelRun(variant, level, repeat * 1000 + index);
          runs.push(run);
          const key = `${variant}|${index}`;
          const all = [...(runsOf.get(key) ?? []), run];
          runsOf.set(key, all);
          if (repeat === 0)
            floors.set(
              key,
              // The floor runs the same hops through the local engines: on AWS there are none to run it on.
              ctx.signal.aborted || config.floorOrders === 0 || !substrate
                ? null
                : await measureFloor({
                    run,
                    config,
                    substrate,
                    runTag,
                    index,
                    signal: ctx.signal,
                    abandon: ctx.abandon,
                    progress: ctx.progress,
                    reset,
                    phases,
                  }),
            );
          const lr = levelResult(all, floors.get(key) ?? null, config.seed + index, config.billing);
          result.levels[index] = lr;
          // The published per-hop figures were taken at low load: the lowest level's orders are projected.
          if (config.target === 'local' && level === Math.min(...config.levels)) {
            const path = variantOf(variant).awsPath;
            if (!isProjected(path)) result.notProjectedOnAws = path.notProjected;
            result.awsProjection = projectOnAws(
              variant,
              all.flatMap((r) => r.records),
              all.flatMap((r) => r.report.traces),
              { level, loop: config.loop, seed: config.seed },
            );
          }
          result.binding = run.report.binding;
          result.processes = run.report.processes;
          result.outcomes = result.levels.reduce((a, l) => addOutcomes(a, l.outcomes), {
            accepted: 0,
            completed: 0,
            cancelled: 0,
            rejected: 0,
            lost: 0,
            errors: 0,
          });
          const where = config.repeat > 1 ? `level ${level}, repeat ${repeat + 1}` : `level ${level}`;
          result.invariants.push(...run.invariants.map((i) => ({ ...i, name: `${i.name} (${where})` })));
          usages.set(variant, [...(usages.get(variant) ?? []), usageOf(run)]);
          const { variant: _v, ...cost } = estimateCost(mergeUsage(usages.get(variant)!), PRICE_TABLE, config.billing);
          result.cost = cost;
          const alternatives = whatIfs(mergeUsage(usages.get(variant)!), config.billing);
          if (alternatives.length) result.alternatives = alternatives;
          if (result.traces.length === 0) result.traces = sampleTraces(run.records, run.report.traces);
          ctx.progress.log(
            `${variant} @${level}${config.repeat > 1 ? ` (repeat ${repeat + 1}/${config.repeat})` : ''}: p50 ${lr.latencyMs.p50} ms, p99 ${lr.latencyMs.p99} ms, ${lr.throughputPerSec}/s` +
              (lr.floor ? `, floor p50 ${lr.floor.p50Ms} ms (x${lr.floor.ratio})` : '') +
              `, $${lr.cost.perMillionOrdersUsd.toFixed(2)} per 1M orders, invariants ${run.invariants.every((i) => i.ok) ? 'ok' : 'BROKEN'}` +
              (lr.observationFailures ? `, ${lr.observationFailures} trace/meter writes failed (observation only)` : ''),
          );
          ctx.checkpoint(snapshot(true));
          if (config.repeat === 1 && index > 0) dropDetail(run);
        }
        if (repeat === 0 && runs.length && !ctx.signal.aborted) {
          const staticCoupling = ctx.staticCoupling?.get(variant);
          result.coupling = await phases.time('coupling', () =>
            measureCoupling({
              variant,
              runs,
              config,
              progress: ctx.progress,
              deferChangeImpact: true,
              ...(staticCoupling ? { staticCoupling } : {}),
            }),
          );
        }
        if (config.repeat === 1) runs.forEach(dropDetail);
        if (!last) continue;
        const faultLevel = config.faultLevel ?? config.levels[Math.min(1, config.levels.length - 1)]!;
        for (const [i, fault] of config.faults.entries()) {
          if (ctx.signal.aborted) break;
          const why = variantOf(variant).faultsNotApplicable?.[fault];
          if (why) {
            result.faultsSkipped = [...(result.faultsSkipped ?? []), { fault, why }];
            ctx.progress.log(`${variant} fault ${fault}: not applicable (${why})`);
            continue;
          }
          await reset();
          const run = await levelRun(variant, faultLevel, 100 + i, fault);
          const baseline = result.levels.find((l) => l.level === faultLevel)?.latencyMs.p99 ?? null;
          const fr = faultResult(run, baseline);
          result.faults = [...(result.faults ?? []), fr];
          result.invariants.push(...fr.invariants.map((inv) => ({ ...inv, name: `${inv.name} (fault ${fault})` })));
          ctx.progress.log(
            `${variant} fault ${fault}: ${fr.ordersAffected} orders affected, p99 ${fr.latencyMs.p99} ms (${fr.extraP99Ms === null ? 'no baseline' : `${fr.extraP99Ms >= 0 ? '+' : ''}${fr.extraP99Ms} ms`}), ` +
              `recovered in ${fr.recoveryMs} ms, ${fr.retries} retries, ${fr.outcomes.lost} lost, invariants ${fr.invariants.every((x) => x.ok) ? 'ok' : 'BROKEN'}`,
          );
          ctx.checkpoint(snapshot(true));
        }
      }
    }
    if (!ctx.signal.aborted) ctx.levelsDone?.();
    if (config.changeImpact && !ctx.signal.aborted) {
      const impacts = await phases.time('change impact', () =>
        measureChangeImpacts(
          variants.filter((v) => v.coupling).map((v) => v.name),
          ctx.progress,
          ctx.signal,
        ),
      );
      for (const v of variants) if (v.coupling && impacts.has(v.name)) v.coupling.changeImpact = impacts.get(v.name)!;
      ctx.checkpoint(snapshot(true));
    }
  } catch (err) {
    partialReason = ctx.signal.aborted
      ? `${stopReason(ctx.signal)}; then ${(err as Error).message}`
      : `stopped by an error: ${(err as Error).message}`;
    ctx.checkpoint(snapshot(true));
    throw err;
  } finally {
    removeTraceDirs(runTag);
  }
  if (ctx.signal.aborted) partialReason = `${stopReason(ctx.signal)} before every level had run`;
  const final = snapshot(ctx.signal.aborted);
  ctx.checkpoint(final);
  return final;
}
