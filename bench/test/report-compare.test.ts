import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareMarkdown, compareResults, deltas, differences, METRICS } from '../report/compare.ts';
import { loadResults } from '../report/load.ts';
import type { Results } from '../results/schema.ts';
import { fmtMs } from '../report/format.ts';
import { minimalResults, type ResultsSpec } from './fixtures/report/minimal.ts';

const metric = (id: string) => METRICS.find((m) => m.id === id)!;

const before: ResultsSpec = {
  variants: [
    {
      name: 'choreography',
      levels: [
        { level: 1, p50: 100, p99: 200, throughput: 5, costPerMillion: 20 },
        { level: 8, p50: 400, p99: 1000, throughput: 10, costPerMillion: 20 },
      ],
    },
    { name: 'temporal', levels: [{ level: 1, p50: 300, p99: 400, throughput: 3, costPerMillion: 400 }] },
  ],
};
const after: ResultsSpec = {
  variants: [
    {
      name: 'choreography',
      levels: [
        { level: 1, p50: 100, p99: 150, throughput: 6, costPerMillion: 25 },
        { level: 8, p50: 500, p99: 1200, throughput: 8, costPerMillion: 25 },
      ],
    },
    {
      name: 'temporal',
      levels: [
        { level: 1, p50: 250, p99: 300, throughput: 4, costPerMillion: 400 },
        { level: 8, p50: 350, p99: 500, throughput: 12, costPerMillion: 400 },
      ],
    },
  ],
};

describe('report --compare', () => {
  const a = minimalResults(before);
  const b = minimalResults(after);

  it('computes absolute and relative deltas per variant and level, a dash where a run lacks the level', () => {
    expect(deltas(a, b, metric('p99'))).toEqual([
      { variant: 'choreography', level: 1, a: 200, b: 150, abs: -50, pct: -25 },
      { variant: 'choreography', level: 8, a: 1000, b: 1200, abs: 200, pct: 20 },
      { variant: 'temporal', level: 1, a: 400, b: 300, abs: -100, pct: -25 },
      { variant: 'temporal', level: 8, a: null, b: 500, abs: null, pct: null },
    ]);
    expect(deltas(a, b, metric('throughput')).map((d) => d.pct)).toEqual([20, -20, expect.closeTo(33.333, 2), null]);
    expect(deltas(a, b, metric('cost')).map((d) => d.abs)).toEqual([5, 5, 0, null]);
  });

  it('tables render the deltas with signs and tone: green where B is better, red where worse', () => {
    const m = compareResults(a, b, { a: 'a.json', b: 'b.json' });
    const p99 = m.tables.find((t) => t.id === 'compare-p99')!;
    expect(p99.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['Choreography', '1 client', '200', '150', '−50', '−25.0%'],
      ['Choreography', '8 clients', '1,000', '1,200', '+200', '+20.0%'],
      ['Temporal', '1 client', '400', '300', '−100', '−25.0%'],
      ['Temporal', '8 clients', '—', '500', '—', '—'],
    ]);
    expect(p99.rows.map((r) => r[4]!.tone)).toEqual(['ok', 'bad', 'ok', undefined]);
    const tput = m.tables.find((t) => t.id === 'compare-throughput')!;
    expect(tput.rows[0]!.map((c) => c.text).slice(2)).toEqual(['5.00', '6.00', '+1.00', '+20.0%']);
    expect(tput.rows[0]![4]!.tone).toBe('ok');
    const cost = m.tables.find((t) => t.id === 'compare-cost')!;
    expect(cost.rows[0]!.map((c) => c.text).slice(2)).toEqual(['$20.00', '$25.00', '+$5.00', '+25.0%']);
    expect(cost.rows[2]!.map((c) => c.text).slice(4)).toEqual(['$0', '0.0%']);
    expect(m.headlines[1]).toBe(
      'p99 latency (ms): most improved: Choreography at 1 client (200 → 150, −25.0%); most regressed: Choreography at 8 clients (1,000 → 1,200, +20.0%).',
    );
  });

  it('notes when the runs differ in workload or target, and says so when they are like for like', () => {
    expect(differences(a, a)).toEqual([
      'Like for like: the same workload (seed 1, 10 orders per level, closed loop at 1, 8) on the same target (local).',
    ]);
    const c = minimalResults({
      ...after,
      seed: 42,
      orders: 60,
      target: 'aws',
      variants: [{ ...after.variants[0]!, levels: [{ level: 1 }, { level: 24 }] }],
    });
    const notes = differences(a, c);
    expect(notes[0]).toBe(
      'The runs differ in workload: seed 1 vs 42; orders per level 10 vs 60; levels 1, 8 vs 1, 24. Figures at a level only one run has are shown against a dash.',
    );
    expect(notes[1]).toMatch(/^The runs differ in target: A ran on local \(emulator numbers\), B on aws: /);
  });

  it('the Markdown carries the runs, the notes and every table', () => {
    const md = compareMarkdown(compareResults(a, b, { a: 'before/results.json', b: 'after/results.json' }), 'test');
    expect(md).toContain('- A: before/results.json: 2026-01-01 00:00 UTC, local (LOCAL EMULATOR numbers)');
    for (const id of ['compare-p50', 'compare-p99', 'compare-throughput', 'compare-cost']) expect(md).toContain(`<!-- table: ${id} -->`);
    expect(md).toContain('| Choreography | 8 clients | 1,000 | 1,200 | **+200** | **+20.0%** |');
  });

  it('local against an AWS run: each PROJECTION beside what AWS measured at the same level, and how far it missed', () => {
    const local = loadResults(path.join(import.meta.dirname, 'fixtures', 'results', 'small.json')).results;
    // An AWS run of two of the variants: measured, no projection; Step Functions at twice its projection, Temporal at 4 clients only.
    const proj = (name: string) => local.variants.find((v) => v.name === name)!.awsProjection!;
    const sfn = local.variants.find((v) => v.name === 'stepfunctions')!;
    const tmp = local.variants.find((v) => v.name === 'temporal')!;
    const measuredAt = (l: (typeof sfn.levels)[number], p50: number, p99: number) => ({ ...l, latencyMs: { ...l.latencyMs, p50, p99 } });
    const aws: Results = {
      ...local,
      environment: { ...local.environment, target: 'aws', emulatorNumbers: false, emulators: null },
      variants: [
        {
          ...sfn,
          awsProjection: undefined,
          levels: [measuredAt(sfn.levels[0]!, proj('stepfunctions').p50Ms * 2, proj('stepfunctions').p99Ms * 2)],
        },
        { ...tmp, awsProjection: undefined, levels: [measuredAt(tmp.levels[1]!, 300, 600)] },
      ],
    };
    for (const [a, b] of [
      [local, aws],
      [aws, local],
    ] as const) {
      const m = compareResults(a, b, { a: 'a.json', b: 'b.json' });
      const t = m.tables.find((x) => x.id === 'compare-projection')!;
      expect(t.title).toMatch(/^PROJECTION \([AB]: [ab]\.json, local run\) against MEASURED on AWS/);
      const rows = t.rows.map((r) => r.map((c) => c.text));
      // Choreography ran only locally: no row. Step Functions: the projection is half the measurement, off by -50 %.
      expect(rows.map((r) => r[0])).toEqual(['Step Functions', 'Temporal']);
      expect(rows[0]!.slice(4)).toEqual([
        '1 client',
        fmtMs(proj('stepfunctions').p50Ms * 2),
        fmtMs(proj('stepfunctions').p99Ms * 2),
        '−50.0%',
        '−50.0%',
      ]);
      // Temporal on AWS has no level 1: its lowest level stands in, and is named.
      expect(rows[1]!.slice(4, 7)).toEqual(['4 clients', '300', '600']);
    }
    // Two local runs, or two AWS runs: no such table.
    expect(compareResults(local, local, { a: 'a', b: 'b' }).tables.map((x) => x.id)).not.toContain('compare-projection');
    expect(compareMarkdown(compareResults(local, aws, { a: 'local.json', b: 'aws.json' }), 'test')).toContain(
      '<!-- table: compare-projection -->',
    );
  });
});
