import type { Results } from '../results/schema.ts';
import { couplingGraphChart } from './charts/coupling-graph.ts';
import { costProjectionChart } from './charts/cost-projection.ts';
import { costServicesChart } from './charts/cost-services.ts';
import type { Chart } from './charts/common.ts';
import { floorRatioChart } from './charts/floor-ratio.ts';
import { latencyCdfChart } from './charts/latency-cdf.ts';
import { latencyLoadChart, throughputLoadChart } from './charts/load-levels.ts';
import { timelineChart } from './charts/timeline.ts';
import { waterfallChart } from './charts/waterfall.ts';
import { segmentsTable } from './segments.ts';
import { awsProjectionSection } from './aws-projection.ts';
import { providerSection } from './provider.ts';
import {
  bandVerdicts,
  billDriversTable,
  changeImpactTable,
  cheapestTable,
  fixedCostsTable,
  plansTable,
  componentsTable,
  costItemsTable,
  costTable,
  couplingTable,
  dlqTable,
  environmentTable,
  faultsTable,
  floorTable,
  invariantsTable,
  loadTable,
  outcomesTable,
  percentilesTable,
  pricesTable,
  projectionTable,
  timelineTable,
  workloadTable,
} from './facts.ts';
import { fmtCount, fmtEmulators, fmtLevel, listing, variantLabel } from './format.ts';
import type { Table } from './table.ts';
import { verdicts, type Verdict } from './verdicts.ts';

/**
 * The whole report as data: banners, verdicts, and sections of prose, charts and
 * tables. html.ts and markdown.ts are two renderings of this one model.
 */
export interface Section {
  id: string;
  title: string;
  intro: string[];
  charts: Chart[];
  tables: Table[];
}

export interface Banner {
  tone: 'warn' | 'bad' | 'info';
  text: string;
}

export interface ReportModel {
  title: string;
  meta: string;
  banners: Banner[];
  verdicts: Verdict[];
  sections: Section[];
}

const present = <T>(xs: Array<T | null | undefined>): T[] => xs.filter((x): x is T => x != null);

export function emulatorNote(r: Results): string | null {
  if (!r.environment.emulatorNumbers) return null;
  const em = r.environment.emulators;
  return (
    `Latencies and throughput are LOCAL EMULATOR numbers${em ? ` (${fmtEmulators(em)} dev server)` : ''} on ${r.environment.machine.cpus} CPUs: ` +
    'they compare the variants on this substrate, not what AWS or Temporal Cloud would give.'
  );
}

export function buildReport(r: Results): ReportModel {
  const w = r.workload;
  const e = r.environment;
  const banners: Banner[] = [];
  const em = emulatorNote(r);
  if (em) banners.push({ tone: 'warn', text: em });
  const simulated = r.variants.filter((v) => v.latencyKind === 'simulated').map((v) => variantLabel(v.name));
  if (simulated.length)
    banners.push({
      tone: 'warn',
      text:
        `${listing(simulated)}: latency and throughput are SIMULATED (the orchestration ran under a local test runner, not the engine), ` +
        'marked (SIMULATED) in every table and left out of the latency, throughput and overhead verdicts; outcomes, counts, cost, coupling and change impact are real.',
    });
  if (r.partial)
    banners.push({
      tone: 'bad',
      text: `PARTIAL results: the run was stopped before it finished${r.partialReason ? ` (${r.partialReason})` : ''}; missing levels are missing, not zero.`,
    });
  if (!r.invariantsOk)
    banners.push({
      tone: 'bad',
      text: 'An invariant was broken: see Correctness. Figures from a run that lost or misprocessed orders are not comparable.',
    });

  const variants = listing(r.variants.map((v) => variantLabel(v.name)));
  const meta =
    `${variants}; ${fmtCount(w.orders)} measured orders per level (+${fmtCount(w.warmup)} warmup), ${w.loop} loop at ${listing(w.levels.map((l) => fmtLevel(l, w.loop)))}, seed ${w.seed}. ` +
    `Run ${e.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${e.target === 'local' ? 'local emulators' : 'AWS'}${e.git ? `, commit ${e.git.commit.slice(0, 7)}${e.git.dirty ? ' (with uncommitted changes)' : ''}` : ''}.`;

  const latencyIntro = [
    "Latency runs from the moment the system accepted an order to its terminal state as the engine recorded it (the orders service's decision, the execution's stop, the workflow's close).",
    ...(em ? [em] : []),
  ];

  const sections: Section[] = [
    {
      id: 'latency',
      title: 'Latency',
      intro: latencyIntro,
      charts: present([latencyCdfChart(r)]),
      tables: [percentilesTable(r)],
    },
    // Beside the measured latencies, in a section of its own: a projection is never mixed into them.
    ...present([awsProjectionSection(r)]),
    // On AWS: cold starts apart from the latencies, and where each count of the bill came from.
    ...present([providerSection(r)]),
    {
      id: 'load',
      title: 'Latency and throughput under load',
      intro: [
        `Each level ran the same seeded orders: ${w.loop === 'closed' ? 'N clients, each submitting an order and waiting for it to end' : 'orders due at fixed times, latency counted from the due time'}.`,
      ],
      charts: present([latencyLoadChart(r), throughputLoadChart(r)]),
      tables: [loadTable(r)],
    },
    {
      id: 'floor',
      title: 'Overhead over the substrate floor',
      intro: [
        'The floor runs the same number of hops on the same engines with no domain logic. The ratio separates what the coordination style costs from what the substrate costs anyway.',
      ],
      charts: present([floorRatioChart(r)]),
      tables: [floorTable(r)],
    },
    {
      id: 'where-the-time-goes',
      title: 'Where the time goes',
      intro: [
        "Each order's latency, split along its critical path from the trace points: the submit call, the first hop, the steps' own compute, their DynamoDB and publish calls, the answer to the engine, the hand-offs between steps, the wait before a retried step, and the engine's close. The segments add up to the latency, so the mean order's bar ends at the mean latency.",
        'The table says which segments the coordination style requires (inherent) and which are this implementation’s own: the part a better build could remove.',
        ...(r.variants.some((v) => v.levels.some((l) => !l.segmentsMs))
          ? ['Levels without segments were measured before the results recorded them (schema 1) or ended no order.']
          : []),
      ],
      charts: present(r.variants.map((v) => waterfallChart(r, v))),
      tables: present([segmentsTable(r)]),
    },
    {
      id: 'timeline',
      title: 'One order, step by step',
      intro: ["Where an order's time goes: in the services' steps or in the hops between them."],
      charts: present([timelineChart(r)]),
      tables: [timelineTable(r)],
    },
    {
      id: 'cost',
      title: 'Cost',
      intro: [
        `Cost is computed, not billed: the calls each variant made (counted by its metered clients, by AWS's billing rules), Step Functions transitions and task attempts and Temporal actions (counted from histories), × the price table of ${r.prices.version} (${r.prices.region}); the sources are listed under Environment and provenance. ` +
          'Calls a local loop makes on a timer (an outbox poll, a consumer long poll) are not billed per order: on AWS a trigger replaces them, a fixed monthly line.',
        ...(r.projection ? [`By monthly volume (projection): ${bandVerdicts(r).join('; ')}.`] : []),
      ],
      charts: present([costServicesChart(r), costProjectionChart(r)]),
      tables: present([costTable(r), fixedCostsTable(r), projectionTable(r), cheapestTable(r), billDriversTable(r), costItemsTable(r)]),
    },
    {
      id: 'coupling',
      title: 'Coupling',
      intro: [
        'Who depends on whom in the code, how many messages an order takes at run time, and how far one scripted feature change spreads.',
      ],
      charts: present(r.variants.map((v) => couplingGraphChart(v))),
      tables: present([couplingTable(r), changeImpactTable(r), ...r.variants.map((v) => componentsTable(v))]),
    },
    {
      id: 'correctness',
      title: 'Correctness',
      intro: [
        'Every level ends with checks against every table: each order terminal and as planned, stock and money conserved, nothing shipped or charged that should not be, dead-letter queues listed.',
      ],
      charts: [],
      tables: present([invariantsTable(r), outcomesTable(r), dlqTable(r)]),
    },
    ...(r.variants.some((v) => v.faults?.length)
      ? [
          {
            id: 'faults',
            title: 'Reliability under faults',
            intro: [
              "Each fault ran on its own per variant, at one load level, fired once 30 % of the orders were done. Orders affected were in flight during the fault and slower than the same level's p99 without it; recovery runs from the fault to the last affected order's end.",
              ...[...new Set(r.variants.flatMap((v) => (v.faults ?? []).map((f) => `${f.fault}: ${f.description}.`)))],
            ],
            charts: [],
            tables: present([faultsTable(r)]),
          },
        ]
      : []),
    {
      id: 'environment',
      title: 'Environment and provenance',
      intro: present([
        em ?? `Latencies were measured on ${e.target}.`,
        `Prices: table ${r.prices.version}, ${r.prices.region}, list prices of the first tier, each from the provider's page on the date given.`,
        e.git
          ? `Coupling was read from the code at commit ${e.git.commit.slice(0, 12)}${e.git.dirty ? ' with uncommitted changes' : ''}.`
          : null,
      ]),
      charts: [],
      tables: [environmentTable(r), workloadTable(r), pricesTable(r), plansTable(r)],
    },
  ];
  return {
    title: `sagabench report: ${r.variants.map((v) => variantLabel(v.name)).join(' vs ') || 'no variant ran'}`,
    meta,
    banners,
    verdicts: verdicts(r),
    sections,
  };
}
