import type { TracePoint } from '../../shared/messaging/trace.ts';
import { isProjected, type AwsPath, type HopKind } from '../../shared/variant/aws-hops.ts';
import { variantOf, type VariantName } from '../../infra/variants.ts';
import { breakdownOf, SEGMENTS, type Segment } from '../attribution.ts';
import type { UnitRecord } from '../load/loop.ts';
import { figureOf, hopModelOf, HOP_TABLE, type HopTable } from './hop-latencies.ts';
import { simulate, type OrderPath } from './simulate.ts';
import type { AwsProjection } from '../results/schema.ts';

/** Every figure of it is a projection, never a measurement: the results and the report say so wherever it appears. */
export const PROJECTION_LABEL = 'PROJECTION' as const;

export const PROJECTION_NOTES = [
  'A projection, not a measurement: published per-hop latencies on AWS and Temporal Cloud, drawn by a seeded Monte Carlo along the critical paths this run measured.',
  "Carried over from the local run (LOCAL EMULATOR time): the steps' own compute, their DynamoDB calls, planned retry backoffs, and any accept or close the variant's path does not replace; no published distribution of DynamoDB call latency was found (AWS states single-digit milliseconds without percentiles), so the emulator's time stands in.",
  'Warm paths only: Lambda cold starts are not in the published figures and not projected.',
  'The published figures were taken at low load in one region each (see sources); hops are drawn independently.',
];

/** The local segments a variant's AWS path replaces: its hand-offs, what they fold in, and the accept and close where it names hops for them. */
export function replacedSegments(path: AwsPath): Segment[] {
  const r = new Set<Segment>(['first-hop', 'hand-off', ...path.folds]);
  if (path.submit) r.add('submit');
  if (path.close) r.add('close');
  return SEGMENTS.filter((s) => r.has(s));
}

/** An order with `steps` steps on its path, as hops of each kind on AWS. */
export function hopsOf(path: AwsPath, steps: number): Partial<Record<HopKind, number>> {
  const hops: Partial<Record<HopKind, number>> = {};
  const add = (kinds: readonly HopKind[] | undefined, times: number) => {
    for (const k of kinds ?? []) hops[k] = (hops[k] ?? 0) + times;
  };
  add(path.submit, 1);
  if (steps > 0) {
    add(path.first, 1);
    add(path.handOff, steps - 1);
    add(path.close, 1);
  }
  return hops;
}

/** Each ended order's path: its carried-over milliseconds and its hops, from its trace points. */
export function orderPaths(variant: VariantName, records: readonly UnitRecord[], traces: readonly TracePoint[]): OrderPath[] {
  const v = variantOf(variant);
  const path = v.awsPath;
  if (!isProjected(path)) return [];
  const replaced = new Set(replacedSegments(path));
  const byOrder = new Map<string, TracePoint[]>();
  for (const t of traces) byOrder.set(t.orderId, [...(byOrder.get(t.orderId) ?? []), t]);
  const paths: OrderPath[] = [];
  for (const r of records) {
    const steps = byOrder.get(r.id) ?? [];
    const b = breakdownOf(r, steps);
    if (!b) continue;
    const carriedMs = SEGMENTS.filter((s) => !replaced.has(s)).reduce((a, s) => a + b[s], 0);
    paths.push({ carriedMs, hops: hopsOf(path, v.criticalPathHops(steps)) });
  }
  return paths;
}

export interface ProjectionBasis {
  level: number;
  loop: 'closed' | 'open';
  seed: number;
  draws?: number;
}

/** A variant's projected p50/p99 on AWS, with every input and its source; null when no order ended. */
export function projectOnAws(
  variant: VariantName,
  records: readonly UnitRecord[],
  traces: readonly TracePoint[],
  basis: ProjectionBasis,
  table: HopTable = HOP_TABLE,
): AwsProjection | null {
  const path = variantOf(variant).awsPath;
  if (!isProjected(path)) return null;
  const paths = orderPaths(variant, records, traces);
  if (!paths.length) return null;
  const sim = simulate(paths, table, { seed: basis.seed, ...(basis.draws ? { draws: basis.draws } : {}) });
  const round1 = (x: number) => Math.round(x * 10) / 10;
  const kinds = [...new Set(paths.flatMap((p) => Object.keys(p.hops) as HopKind[]))];
  const hops = kinds.map((kind) => {
    const m = hopModelOf(table, kind);
    return {
      kind,
      perOrderMean: round1(paths.reduce((a, p) => a + (p.hops[kind] ?? 0), 0) / paths.length),
      drawnAs: m.drawnAs,
      published: m.published,
      note: m.note,
    };
  });
  const figureIds = [...new Set(hops.flatMap((h) => h.drawnAs))];
  const carried = paths.map((p) => p.carriedMs).sort((a, b) => a - b);
  return {
    label: PROJECTION_LABEL,
    level: basis.level,
    loop: basis.loop,
    orders: paths.length,
    draws: sim.draws,
    seed: sim.seed,
    p50Ms: sim.p50Ms,
    p99Ms: sim.p99Ms,
    meanMs: sim.meanMs,
    ci95: sim.ci95,
    path: path.why,
    replaces: replacedSegments(path),
    carriedOver: {
      segments: SEGMENTS.filter((s) => !replacedSegments(path).includes(s)),
      p50Ms: round1(carried[Math.max(0, Math.ceil(carried.length / 2) - 1)]!),
      meanMs: round1(carried.reduce((a, c) => a + c, 0) / carried.length),
    },
    hops,
    hopTableVersion: table.version,
    sources: figureIds.map((id) => figureOf(table, id)),
    notes: PROJECTION_NOTES,
  };
}
