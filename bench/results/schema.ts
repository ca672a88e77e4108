import { z } from 'zod';
import { VARIANTS } from '../../infra/variants.ts';
import { couplingSchema } from '../coupling/index.ts';
import { FAULTS } from '../faults/catalog.ts';
import { billingOptionsSchema, usageSampleSchema } from '../cost/model.ts';
import { priceTableSchema } from '../cost/prices.ts';
import { SEGMENTS } from '../attribution.ts';
import { HOP_KINDS } from '../../shared/variant/aws-hops.ts';
import { publishedLatencySchema } from '../projection/hop-latencies.ts';

/**
 * The results contract: what `bench` writes and the only thing `report` reads.
 * Bump SCHEMA_VERSION on any change a reader of the old shape would misread.
 */
// 2: costs carry fixed monthly lines; the projection is a stepwise monthly bill (options, bills,
// crossovers with the cheaper side); each level carries its critical-path segments (segmentsMs), and
// repeated runs their intervals. A schema 1 file cannot be brought to it without guessing its costs.
// 3: each variant may carry `awsProjection` (its latency projected on AWS, labelled PROJECTION, with
// every input and source). Additive: a schema 2 file is read as a 3 without projections.
export const SCHEMA_VERSION = 3;
/** Older versions read as this one: each differs from it only by fields it added as optional. */
export const READABLE_VERSIONS = [2, 3] as const;

const ms = z.number().nonnegative();
const count = z.number().int().nonnegative();

export const latencySchema = z.object({
  count,
  p50: ms,
  p90: ms,
  p99: ms,
  p999: ms,
  max: ms,
  mean: ms,
  cdf: z.array(z.object({ p: z.number().min(0).max(100), ms })),
});

export const outcomesSchema = z.object({
  accepted: count,
  completed: count,
  cancelled: count,
  rejected: count,
  /** Accepted but not terminal by the deadline. */
  lost: count,
  /** Refused at submission or failed in the harness. */
  errors: count,
  /** Accepted, then no longer waited for: a second Ctrl-C or a dead engine stopped the run. Never counted lost, left out of the invariants. */
  abandoned: count.optional(),
});

export const invariantSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });

/** One priced line: the per-order breakdown and the fixed monthly lines differ only in what the money is per. */
const costLine = <T extends z.ZodRawShape>(usd: T) =>
  z.object({
    service: z.string(),
    item: z.string(),
    count: z.number().nonnegative(),
    unit: z.string(),
    unitPriceUsd: z.number().nonnegative(),
    ...usd,
    priceId: z.string(),
  });

export const costSchema = z.object({
  priceTableVersion: z.string(),
  region: z.string(),
  perOrderUsd: z.number().nonnegative(),
  perMillionOrdersUsd: z.number().nonnegative(),
  breakdown: z.array(costLine({ usdPerMillionOrders: z.number().nonnegative() })),
  fixed: z.array(costLine({ usdPerMonth: z.number().nonnegative() })),
  notes: z.array(z.string()),
});

const billLineSchema = z.object({
  service: z.string(),
  item: z.string(),
  kind: z.enum(['per-order', 'fixed', 'plan']),
  usd: z.number().nonnegative(),
});

export const traceSampleSchema = z.object({
  orderId: z.string(),
  status: z.string(),
  /** Epoch ms the order was due to start; every step below is relative to it. */
  startAt: z.number(),
  latencyMs: ms.optional(),
  steps: z.array(z.object({ step: z.string(), service: z.string(), startMs: z.number(), endMs: z.number(), attempt: z.number().int().optional() })),
});

/**
 * Schema 3, additive (`--target aws`): what the provider counted, cold starts kept apart from the
 * latency and cost figures: Lambda invocations whose REPORT line carried an Init Duration, and that
 * time's sum. `sources` says where each count came from, or how it was derived.
 */
export const providerSchema = z.object({
  coldStarts: z.object({ invocations: count, coldStarts: count, initMsTotal: ms }),
  sources: z.array(z.string()),
});

export const levelSchema = z.object({
  loop: z.enum(['closed', 'open']),
  /** Clients (closed loop) or orders per second (open loop). */
  level: z.number().positive(),
  /** Meter and trace writes that failed (a full disk): observation only, never an order's outcome. */
  observationFailures: count.optional(),
  /** `--target aws`: the provider-side counts of this level (absent locally, where the meter counts every call). */
  provider: providerSchema.optional(),
  /** p99 latency per minute of a run of two minutes or more (a soak): drift shows as a later minute above the first. */
  p99PerMinuteMs: z.array(ms).optional(),
  outcomes: outcomesSchema,
  latencyMs: latencySchema,
  /** Time for the system to accept an order (the submit call), apart from its processing. */
  acceptMs: latencySchema,
  throughputPerSec: z.number().nonnegative(),
  wallMs: ms,
  floor: z
    .object({
      hops: count,
      units: count,
      p50Ms: ms,
      latencyMs: latencySchema,
      ratio: z.number().nonnegative().nullable(),
      /**
       * The floor's bare chains make no DynamoDB writes; every variant's services do. The p50 of
       * each order's latency less its `segments` (its DynamoDB calls), and that over the floor's
       * p50: how much of `ratio` the writes explain. Absent in older results.
       */
      lessUnshared: z.object({ segments: z.array(z.enum(SEGMENTS)), p50Ms: ms, ratio: z.number().nonnegative().nullable() }).optional(),
    })
    .nullable(),
  harnessCpuMsPerOrder: ms,
  /** How many interleaved runs the level's figures pool (`--repeat`); absent: one. */
  repeats: count.optional(),
  /**
   * 95 % percentile-bootstrap intervals (bench/bootstrap.ts), seeded: p50 and p99 over
   * repeats and orders, throughput (the median of the repeats') over repeats, null
   * below two repeats. Absent in results older than schema 2.
   */
  ci: z
    .object({
      p50: z.tuple([ms, ms]).nullable(),
      p99: z.tuple([ms, ms]).nullable(),
      throughput: z.tuple([z.number().nonnegative(), z.number().nonnegative()]).nullable(),
    })
    .optional(),
  stepsMs: z.record(z.string(), z.object({ count, p50: ms, p99: ms })),
  /**
   * Where each order's time went along its critical path (bench/attribution.ts): per
   * segment, p50 and p99 over the measured orders and the mean (the means add up to
   * the mean latency). Null when no order ended, and in results older than schema 2.
   */
  segmentsMs: z.record(z.enum(SEGMENTS), z.object({ count, p50: ms, p99: ms, mean: ms })).nullable(),
  cost: costSchema,
  usage: usageSampleSchema,
  invariants: z.array(invariantSchema),
  dlq: z.array(z.object({ queue: z.string(), messages: count, sample: z.array(z.string()) })),
});

export const faultResultSchema = z.object({
  fault: z.enum(FAULTS),
  description: z.string(),
  level: z.number().positive(),
  fired: z.boolean(),
  /** When the fault hit and how long it lasted, from the start of the measured orders. */
  startedAtMs: ms,
  durationMs: ms,
  outcomes: outcomesSchema,
  latencyMs: latencySchema,
  /** p99 of the same variant at the same level without the fault. */
  baselineP99Ms: ms.nullable(),
  extraP99Ms: z.number().nullable(),
  /** Orders in flight during the fault that took longer than the baseline p99. */
  ordersAffected: count,
  /** From the fault's start until the last affected order ended. */
  recoveryMs: ms,
  /** Handler or task runs beyond the first, and SDK attempts the throttles cost. */
  retries: count,
  throttledCalls: count,
  poisonInjected: count,
  /** Duplicate fault only: the duplicate deliveries actually sent (a publish, a task answer or a start sent again). */
  duplicatesSent: count.optional(),
  dlq: z.array(z.object({ queue: z.string(), messages: count, sample: z.array(z.string()) })),
  invariants: z.array(invariantSchema),
});

/**
 * A variant's latency projected on AWS and Temporal Cloud (bench/projection): the local run's
 * critical paths as hops of each kind, each hop drawn from published figures (cited in
 * `sources`), the rest carried over from the local measurement. Never a measurement.
 */
export const awsProjectionSchema = z.object({
  label: z.literal('PROJECTION'),
  /** The level whose orders were projected (the lowest: the published figures were taken at low load). */
  level: z.number().positive(),
  loop: z.enum(['closed', 'open']),
  /** Ended orders whose paths the simulation resamples. */
  orders: count,
  draws: count,
  seed: z.number().int(),
  p50Ms: ms,
  p99Ms: ms,
  meanMs: ms,
  /** The simulation's own error: 95 % intervals of the percentiles over its draws (not the inputs' uncertainty). */
  ci95: z.object({ p50: z.tuple([ms, ms]), p99: z.tuple([ms, ms]) }),
  /** Why the variant's path on AWS is made of these hops. */
  path: z.string(),
  /** Local segments the hops stand in for. */
  replaces: z.array(z.enum(SEGMENTS)),
  /** Local segments kept as measured (LOCAL EMULATOR time), per order. */
  carriedOver: z.object({ segments: z.array(z.enum(SEGMENTS)), p50Ms: ms, meanMs: ms }),
  hops: z.array(
    z.object({
      kind: z.enum(HOP_KINDS),
      perOrderMean: z.number().nonnegative(),
      /** Ids of `sources` one hop is drawn as (one draw of each, summed). */
      drawnAs: z.array(z.string()),
      /** False: no figure for exactly this hop was published; `note` says what stands in. */
      published: z.boolean(),
      note: z.string(),
    }),
  ),
  hopTableVersion: z.string(),
  sources: z.array(publishedLatencySchema),
  notes: z.array(z.string()),
});

export const variantResultSchema = z.object({
  name: z.enum(VARIANTS),
  /**
   * `simulated`: the variant's local orchestration ran in a local stand-in (Lambda durable
   * functions under the testing SDK's runner), so its latencies are not the engine's: the report
   * labels them and leaves them out of latency verdicts. Absent: measured (results written before it).
   */
  latencyKind: z.enum(['measured', 'simulated']).optional(),
  binding: z.string(),
  processes: count,
  levels: z.array(levelSchema),
  outcomes: outcomesSchema,
  /** Over every level: every order a variant accepted, measured or warmup. */
  cost: costSchema.nullable(),
  /** The same run priced another way the variant can be deployed (Step Functions EXPRESS). */
  alternatives: z.array(z.object({ label: z.string(), note: z.string(), cost: costSchema })).optional(),
  coupling: couplingSchema.nullable(),
  invariants: z.array(invariantSchema),
  traces: z.array(traceSampleSchema),
  faults: z.array(faultResultSchema).optional(),
  /**
   * Schema 3, `bench --deployed`: the recorded deployment this variant's orders went through
   * (instead of fresh resources): where, under which prefix, its record file and what it holds.
   */
  deployment: z
    .object({
      target: z.enum(['local', 'aws']),
      instance: z.string().optional(),
      prefix: z.string(),
      record: z.string(),
      deployedAt: z.string(),
      resources: z.string(),
    })
    .optional(),
  /** Schema 3: latency projected on AWS (a PROJECTION), from the lowest level's orders; null when none ended; absent in schema 2 files and in runs on AWS. */
  awsProjection: awsProjectionSchema.nullable().optional(),
  /** Why this variant has no projection: its hops on AWS have no published latency to draw (its registry entry says which). */
  notProjectedOnAws: z.string().optional(),
  /** Fault classes asked for that have nothing to hit in this variant locally, with why (its registry entry). */
  faultsSkipped: z.array(z.object({ fault: z.enum(FAULTS), why: z.string() })).optional(),
});

export const resultsSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('sagabench'), version: z.string() }),
  partial: z.boolean(),
  partialReason: z.string().optional(),
  environment: z.object({
    machine: z.object({ cpus: count, cpuModel: z.string(), memoryGiB: z.number(), platform: z.string(), arch: z.string(), hostname: z.string().optional() }),
    node: z.string(),
    sdk: z.record(z.string(), z.string()),
    /** motoPatched: whether moto ran with the launcher's race fixes; absent in results written before it was recorded. */
    emulators: z.object({ moto: z.string(), motoPatched: z.boolean().optional(), temporalCli: z.string() }).nullable(),
    target: z.enum(['local', 'aws']),
    /** True when latencies come from local emulators: they say how the variants compare here, not what AWS would give. */
    emulatorNumbers: z.boolean(),
    git: z.object({ commit: z.string(), dirty: z.boolean() }).nullable(),
    startedAt: z.iso.datetime(),
    endedAt: z.iso.datetime(),
  }),
  workload: z.object({
    seed: z.number().int(),
    orders: count,
    warmup: count,
    loop: z.enum(['closed', 'open']),
    levels: z.array(z.number().positive()),
    /** Interleaved runs of every variant and level; absent: one. */
    repeat: count.optional(),
    failures: z.record(z.string(), z.number()),
    payloadBytes: count,
    deadlineSeconds: count,
    /** The order the variants ran in (rotated by seed so no variant always goes first). */
    variantOrder: z.array(z.enum(VARIANTS)),
    faults: z.array(z.enum(FAULTS)).optional(),
  }),
  variants: z.array(variantResultSchema),
  /** The dated price table every cost above was computed with, sources included, so a reader can check each figure. */
  prices: priceTableSchema,
  /** Monthly bills from 1k to 100M orders a month per series (variants and what-ifs), with the choices they were made under. */
  projection: z
    .object({
      options: billingOptionsSchema,
      rows: z.array(z.object({ ordersPerMonth: z.number().positive(), usdByVariant: z.record(z.string(), z.number().nonnegative()) })),
      /** The bill at zero orders: fixed lines and plan minimums. */
      fixedMonthlyUsd: z.record(z.string(), z.number().nonnegative()),
      crossovers: z.array(z.object({ a: z.string(), b: z.string(), ordersPerMonth: z.number().positive(), cheaperAbove: z.string() })),
      bills: z.array(
        z.object({ series: z.string(), ordersPerMonth: z.number().positive(), totalUsd: z.number().nonnegative(), lines: z.array(billLineSchema) }),
      ),
    })
    .nullable(),
  invariantsOk: z.boolean(),
});

export type Results = z.infer<typeof resultsSchema>;
export type VariantResult = z.infer<typeof variantResultSchema>;
export type LevelResult = z.infer<typeof levelSchema>;
export type FaultResult = z.infer<typeof faultResultSchema>;
export type AwsProjection = z.infer<typeof awsProjectionSchema>;

export function resultsJsonSchema(): unknown {
  return z.toJSONSchema(resultsSchema, { target: 'draft-2020-12' });
}
