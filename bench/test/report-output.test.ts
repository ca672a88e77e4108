import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../report/cli.ts';
import { writeReportInChild } from '../report/in-child.ts';
import { buildReport } from '../report/model.ts';
import { loadResults } from '../report/load.ts';
import { resultsSchema, type Results } from '../results/schema.ts';
import { minimalResults, FIXTURE_CHARTS } from './fixtures/report/minimal.ts';
import { fmtMs, variantLabel } from '../report/format.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'results', 'small.json');
const fixture = (): Results => loadResults(FIXTURE).results;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-report-out-'));

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
const stripTags = (s: string) => s.replace(/<[^>]*>/g, '');

/** Tables of the HTML page by data-table id: header row, then body rows, each cell's text as a browser shows it (white space collapsed). */
function htmlTables(html: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const m of html.matchAll(/<table data-table="([^"]+)">([\s\S]*?)<\/table>/g)) {
    const rows = [...m[2]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
      [...r[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => decode(stripTags(c[1]!)).replace(/\s+/g, ' ').trim()),
    );
    out.set(m[1]!, rows);
  }
  return out;
}

/** Tables of the Markdown by their `<!-- table: id -->` marker, read back to plain cell text. */
function mdTables(md: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  const lines = md.split('\n');
  lines.forEach((line, i) => {
    const m = /^<!-- table: (.+) -->$/.exec(line);
    if (!m) return;
    const rows: string[][] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!;
      if (!l.startsWith('|')) {
        if (rows.length) break;
        continue;
      }
      if (/^\|(-+:?\|)+$/.test(l.replace(/ /g, ''))) continue; // the alignment row
      const cells = l
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((c) =>
          decode(
            c
              .replace(/(?<!\\)\[([^\]]*)\]\(https:[^)]*\)/g, '$1')
              .replace(/^\*\*(.*)\*\*$/, '$1')
              .replace(/\\(.)/g, '$1'),
          ).trim(),
        );
      rows.push(cells);
    }
    out.set(m[1]!, rows);
  });
  return out;
}

const numbers = (rows: string[][]) =>
  rows
    .flat()
    .flatMap((c) => (c.match(/\d[\d,]*(?:\.\d+)?(?:e-?\d+)?/g) ?? []).map((n) => Number(n.replace(/,/g, ''))))
    .sort((a, b) => a - b);

describe('report output (HTML and Markdown from one fixture)', () => {
  let html = '';
  let md = '';
  beforeAll(async () => {
    const w = await writeReport(tmp(), fixture());
    html = fs.readFileSync(w.html, 'utf8');
    md = fs.readFileSync(w.markdown, 'utf8');
  });

  it('the Markdown renders the same numbers as the HTML, table by table, and the same verdicts', () => {
    const h = htmlTables(html);
    const m = mdTables(md);
    expect([...m.keys()]).toEqual([...h.keys()]);
    expect(h.size).toBeGreaterThanOrEqual(15);
    for (const [id, rows] of h) {
      expect(numbers(m.get(id)!), id).toEqual(numbers(rows));
      expect(numbers(rows).length, `${id} has numbers`).toBeGreaterThan(0);
      // Stronger than the numbers alone: every cell reads the same.
      expect(m.get(id), id).toEqual(rows);
    }
    const htmlVerdicts = [
      ...html.matchAll(/<li data-dimension="[^"]+"><span class="dim">[^<]*<\/span><span class="text">([^<]*)<\/span><\/li>/g),
    ].map((x) => decode(x[1]!));
    const mdVerdicts = [...md.matchAll(/^- \*\*[A-Za-z]+:\*\* (.*)$/gm)].map((x) => decode(x[1]!.replace(/\\(.)/g, '$1')));
    expect(htmlVerdicts).toHaveLength(7);
    expect(mdVerdicts).toEqual(htmlVerdicts);
  });

  it("the numbers are the fixture's own (spot checks)", () => {
    const h = htmlTables(html);
    // Temporal at 8 clients: p50 1,590, p99 2,560, 3.82 orders/s; Choreography's cost $35.62 per 1M orders, $1.31 a month fixed.
    expect(h.get('load')).toContainEqual([
      'Temporal',
      '8 clients',
      '3.82',
      '1,590 [1,123–2,279]',
      '2,560 [2,279–2,560]',
      '10',
      '1',
      '1',
      '0',
      '0',
      '4.53',
    ]);
    expect(
      h
        .get('cost')!
        .find((r) => r[0] === 'Choreography')!
        .slice(0, 2),
    ).toEqual(['Choreography', '$35.62']);
    expect(
      h
        .get('cost')!
        .find((r) => r[0] === 'Choreography')!
        .at(-1),
    ).toBe('$1.31');
    expect(
      h
        .get('change-impact')!
        .slice(1)
        .map((r) => r.slice(2, 5)),
    ).toEqual([
      ['5', '+27', '−3'],
      ['5', '+26', '−1'],
      ['5', '+40', '−5'],
    ]);
  });

  it('shows the AWS projection in a section of its own, labelled PROJECTION, beside the LOCAL EMULATOR measurement', () => {
    const r = fixture();
    const h = htmlTables(html);
    const rows = h.get('aws-projection')!;
    expect(rows[0]).toEqual([
      'variant',
      'projected from',
      'PROJECTION p50',
      'PROJECTION p99',
      'of it carried over (local, mean)',
      'LOCAL EMULATOR p50',
      'LOCAL EMULATOR p99',
    ]);
    // Each variant's figures are its own results' (the projection, then the measurement at the same level).
    for (const v of r.variants) {
      const p = v.awsProjection!;
      const local = v.levels.find((l) => l.level === p.level)!.latencyMs;
      const row = rows.find((x) => x[0] === variantLabel(v.name))!;
      expect(row[2]).toBe(`${fmtMs(p.p50Ms)} [${fmtMs(p.ci95.p50[0])}–${fmtMs(p.ci95.p50[1])}]`);
      expect([row[5], row[6]]).toEqual([fmtMs(local.p50), fmtMs(local.p99)]);
    }
    // Every published figure used is listed with its page; a composed hop says it was not published.
    const sources = h.get('aws-projection-sources')!.slice(1);
    expect(sources.map((s) => s[0]).sort()).toEqual(
      [...new Set(r.variants.flatMap((v) => v.awsProjection!.sources.map((s) => s.id)))].sort(),
    );
    expect(h.get('aws-projection-hops')!.filter((x) => x[1] === 'sns-sqs-lambda')[0]![4]).toBe('NO: composed');
    expect(html).toMatch(/<h2[^>]*>Projected on AWS<\/h2>/);
    expect(md).toContain('## Projected on AWS');
    expect(md).toContain('PROJECTION: latency on AWS and Temporal Cloud');
  });

  it('every chart is in the page as an inline SVG, and nothing is loaded from anywhere', () => {
    const charts = [...html.matchAll(/<figure class="chart"[^>]* data-chart="([^"]+)">([\s\S]*?)<\/figure>/g)];
    expect(charts.map((c) => c[1])).toEqual(FIXTURE_CHARTS);
    for (const c of charts) expect(c[2], c[1]).toMatch(/<svg[^>]*class="marks"[^>]*>[\s\S]*<\/svg>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(http/i);
    // Only plain links (price sources) and SVG namespaces mention http at all.
    const mentions = [...html.matchAll(/https?:\/\/[^"'\s<)]+/g)].map((m) => m[0]);
    // Links only: the providers' pages (aws.amazon.com, docs.aws.amazon.com, temporal.io, docs.temporal.io), the one
    // independent latency study the AWS projection cites (no provider publishes per-hop latencies), and SVG's namespace.
    for (const u of mentions)
      expect(u, u).toMatch(
        /^(http:\/\/www\.w3\.org\/|https:\/\/([a-z]+\.)?(aws\.amazon\.com|temporal\.io)\/|https:\/\/bitesizedserverless\.com\/bite\/serverless-messaging-latency-compared\/)/,
      );
    expect(html).toContain('LOCAL EMULATOR numbers');
    // Ids are unique across the inline SVGs (clip paths of one chart must not resolve into another).
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('writeReport leaves an existing results.json alone', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'results.json'), 'keep me');
    await writeReport(dir, fixture());
    expect(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')).toBe('keep me');
  });

  it("the bench's child process draws, from the results.json on disk, the same report as writeReport", async () => {
    const dir = tmp();
    fs.copyFileSync(FIXTURE, path.join(dir, 'results.json'));
    const w = await writeReportInChild(dir);
    expect(w).toEqual({ html: path.join(dir, 'report.html'), markdown: path.join(dir, 'report.md') });
    expect(fs.readFileSync(w.html, 'utf8')).toBe(html);
    expect(fs.readFileSync(w.markdown, 'utf8')).toBe(md);
  });

  it('the child refuses a folder without a results.json with a clear error, and writes nothing', async () => {
    const dir = tmp();
    await expect(writeReportInChild(dir)).rejects.toThrow(/^drawing the report: .*results\.json: no such file$/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('report escaping (the results file is untrusted input)', () => {
  const EVIL = '<script>alert(1)</script>';
  const IMG = '<img src=x onerror=alert(2)>';

  function evilResults(): Results {
    const r = minimalResults({
      variants: [
        {
          name: 'choreography',
          levels: [{ level: 1 }],
          change: { files: 1, added: 1, removed: 0 },
          dlq: [{ queue: `q|${IMG}`, messages: 1, sample: [`{"body": "${EVIL}"} | *bold* [x](javascript:alert(3))`] }],
          traces: [
            {
              orderId: EVIL,
              status: 'COMPLETED',
              startAt: 0,
              latencyMs: 50,
              steps: [{ step: `${IMG}:step`, service: 'orders', startMs: 5, endMs: 10 }],
            },
          ],
        },
        { name: 'temporal', levels: [{ level: 1 }], edges: 2 },
      ],
    });
    r.variants[0]!.coupling!.changeImpact!.summary = `</td></tr></table>${EVIL}`;
    r.variants[1]!.coupling!.static.components[0]!.name = EVIL;
    r.prices.prices[0]!.description = `"><svg onload=alert(4)>`;
    r.environment.machine.cpuModel = `${EVIL}\n| injected | row |`;
    return resultsSchema.parse(r);
  }

  it('HTML: every string from the file is escaped, in tables, captions and inside the charts', async () => {
    const w = await writeReport(tmp(), evilResults());
    const html = fs.readFileSync(w.html, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<svg onload/i);
    expect(html).not.toContain('</td></tr></table><');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    // Inside the timeline and the component graph (Vega escapes its text nodes).
    const timeline = /data-chart="timeline">([\s\S]*?)<\/figure>/.exec(html)![1]!;
    expect(timeline).toContain('&lt;script&gt;');
    const graph = /data-chart="coupling-graph-temporal">([\s\S]*?)<\/figure>/.exec(html)![1]!;
    expect(graph).toContain('&lt;script&gt;');
    // The page says no script may run even if something slipped through.
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(htmlTables(html).get('dlq')![1]![4]).toBe(`{"body": "${EVIL}"} | *bold* [x](javascript:alert(3))`);
  });

  it('Markdown: no raw HTML, no broken tables, no live links from the file', async () => {
    const w = await writeReport(tmp(), evilResults());
    const md = fs.readFileSync(w.markdown, 'utf8');
    expect(md).not.toMatch(/<script|<img|<svg/i);
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/);
    // Each DLQ row still has exactly its five cells.
    const dlq = mdTables(md).get('dlq')!;
    expect(dlq[1]).toHaveLength(5);
    expect(dlq[1]![2]).toBe(`q|${IMG}`);
    expect(dlq[1]![4]).toBe(`{"body": "${EVIL}"} | *bold* [x](javascript:alert(3))`);
    const env = mdTables(md).get('environment')!;
    expect(env.every((row) => row.length === 2)).toBe(true);
    // Same tables, same cells, as the HTML.
    const html = fs.readFileSync(w.html, 'utf8');
    expect([...mdTables(md)]).toEqual([...htmlTables(html)]);
  });
});

describe('report charts with crossovers', () => {
  it('marks each crossover on the what-if curve and states the cheapest ranges', async () => {
    const r = minimalResults({
      variants: [
        { name: 'choreography', levels: [{ level: 1 }], costPerMillion: 30 },
        { name: 'temporal', levels: [{ level: 1 }], costPerMillion: 10 },
      ],
      fixedMonthly: { temporal: 20 },
    });
    const model = buildReport(r);
    const cost = model.sections.find((s) => s.id === 'cost')!;
    expect(cost.tables.find((t) => t.id === 'cheapest')!.rows.map((row) => row.map((c) => c.text))).toEqual([
      ['1,000', '1,000,000', 'Choreography'],
      ['1,000,000', '100,000,000', 'Temporal'],
    ]);
    expect(cost.intro.join(' ')).toContain(
      'By monthly volume (projection): below 1,000,000 orders/month Choreography is cheapest; above 1,000,000 Temporal is cheapest.',
    );
    const w = await writeReport(tmp(), r);
    const html = fs.readFileSync(w.html, 'utf8');
    const chart = /data-chart="cost-projection">([\s\S]*?)<\/figure>/.exec(html)![1]!;
    expect(chart).toContain('Choreography = Temporal: 1,000,000/month, $30.00');
    expect(chart).toContain('Circles mark the crossovers');
    // Money on the axes as money, never an SI prefix ("$10m" would read as millions for one cent).
    const ticks = [...chart.matchAll(/>(\$[^<]*)</g)].map((m) => m[1]!);
    expect(ticks).toContain('$100');
    expect(ticks.filter((t) => /\$[\d.,]+[a-zA-Z]/.test(t))).toEqual([]);
    // No fixed lines in this fixture, so no fixed-costs table.
    expect(
      buildReport(r)
        .sections.find((s) => s.id === 'cost')!
        .tables.map((t) => t.id),
    ).toEqual(['cost', 'projection', 'cheapest', 'bill-drivers', 'cost-items']);
  });
});

describe('report on sparse results', () => {
  it('a partial AWS run with a variant that measured nothing still renders, and says what is missing', async () => {
    const r = minimalResults({
      target: 'aws',
      variants: [
        { name: 'choreography', levels: [{ level: 1 }, { level: 8 }] },
        { name: 'temporal', levels: [{ level: 1, count: 0 }] },
      ],
    });
    r.partial = true;
    r.partialReason = 'interrupted';
    r.variants[1]!.levels = [];
    r.variants[1]!.cost = null;
    const parsed = resultsSchema.parse(r);
    const model = buildReport(parsed);
    expect(model.banners.map((b) => b.text)).toEqual([
      expect.stringMatching(/^PARTIAL results: the run was stopped before it finished \(interrupted\)/),
    ]);
    // Nothing to compare at any level: no latency verdict rather than a made-up one.
    expect(model.verdicts.map((v) => v.dimension)).toEqual(['cost', 'correctness']);
    const w = await writeReport(tmp(), parsed);
    const html = fs.readFileSync(w.html, 'utf8');
    expect(html).not.toContain('LOCAL EMULATOR');
    expect(html).toContain('data-chart="latency-cdf"');
    expect(htmlTables(html).get('environment')).toContainEqual(['latencies', 'measured on aws']);
  });
});

describe('report with a what-if deployment', () => {
  it('prices Step Functions EXPRESS beside STANDARD in the cost table, the bars and the projection', async () => {
    const r = fixture();
    const sfn = r.variants.find((v) => v.name === 'stepfunctions')!;
    sfn.alternatives = [
      {
        label: 'stepfunctions-express',
        note: 'the same executions priced as EXPRESS',
        cost: { ...sfn.cost!, perOrderUsd: 0.00002, perMillionOrdersUsd: 20 },
      },
    ];
    for (const row of r.projection!.rows) row.usdByVariant['stepfunctions-express'] = 0.00002 * row.ordersPerMonth;
    const model = buildReport(resultsSchema.parse(r));
    const cost = model.sections.find((s) => s.id === 'cost')!;
    expect(cost.tables.find((t) => t.id === 'cost')!.rows.map((row) => [row[0]!.text, row[1]!.text])).toContainEqual([
      'Step Functions EXPRESS (what-if)',
      '$20.00',
    ]);
    expect(model.verdicts.find((v) => v.dimension === 'cost')!.text).toMatch(
      /^Choreography was the cheapest per 1M orders \(\$[\d.,]+; Step Functions \$[\d.,]+, Temporal \$[\d.,]+; what-if: Step Functions EXPRESS \(what-if\) \$20\.00\); by monthly bill/,
    );
    const html = fs.readFileSync((await writeReport(tmp(), r)).html, 'utf8');
    const bars = /data-chart="cost-by-service">([\s\S]*?)<\/figure>/.exec(html)![1]!;
    expect(bars).toContain('Step Functions EXPRESS (what-if)');
  });
});

describe('report: the floor table', () => {
  it("takes each order's DynamoDB writes out beside the plain ratio where the results carry it, and keeps the old columns where they do not", () => {
    const plain = buildReport(resultsSchema.parse(fixture()));
    const floorOf = (m: typeof plain) => m.sections.find((s) => s.id === 'floor')!.tables.find((t) => t.id === 'floor')!;
    expect(floorOf(plain).columns.map((c) => c.label)).not.toContain('less DynamoDB ÷ floor');
    const r = fixture();
    const level = r.variants[0]!.levels[0]!;
    level.floor = { ...level.floor!, lessUnshared: { segments: ['dynamodb'], p50Ms: 123.4, ratio: 1.23 } };
    const t = floorOf(buildReport(resultsSchema.parse(r)));
    const at = (label: string) => t.columns.findIndex((c) => c.label === label);
    expect(t.rows[0]![at('p50 less DynamoDB ms')]!.text).toBe(fmtMs(123.4));
    expect(t.rows[0]![at('less DynamoDB ÷ floor')]!.text).toBe('1.23');
    expect(t.caption).toMatch(/DynamoDB calls out/);
  });
});

describe('report: where the time goes', () => {
  it('draws one waterfall per variant whose bars end at the mean latency, and a table naming each segment inherent or not', async () => {
    const r = minimalResults({
      variants: [
        {
          name: 'choreography',
          levels: [
            { level: 1, p50: 200 },
            { level: 8, p50: 600 },
          ],
        },
        {
          name: 'stepfunctions',
          levels: [
            { level: 1, p50: 300 },
            { level: 8, p50: 900, segments: null },
          ],
        },
      ],
    });
    const section = buildReport(r).sections.find((s) => s.id === 'where-the-time-goes')!;
    expect(section.title).toBe('Where the time goes');
    expect(section.charts.map((c) => c.id)).toEqual(['waterfall-choreography', 'waterfall-stepfunctions']);
    const bars = (section.charts[0]!.spec as { data: { values: { load: string; end: number }[] } }).data.values;
    const ends = (load: string) => Math.max(...bars.filter((b) => b.load === load).map((b) => b.end));
    // The fixture splits p50 into segments whose means add up to it.
    expect(ends('1 client')).toBeCloseTo(200, 0);
    expect(ends('8 clients')).toBeCloseTo(600, 0);
    expect(section.intro.join(' ')).toMatch(/Levels without segments/);
    const table = section.tables[0]!;
    const row = (variant: string, segment: string) =>
      table.rows.find((c) => c[0]!.text === variant && c[1]!.text === segment)!.map((c) => c.text);
    expect(row('Choreography', 'dynamodb').slice(2, 3)).toEqual(['inherent']);
    expect(row('Choreography', 'handler').slice(2, 3)).toEqual(['implementation']);
    expect(row('Step Functions', 'answer')[2]).toBe('inherent');
    expect(row('Step Functions', 'hand-off').at(-1)).toBe('—');
    // The choreography has no engine to answer: a segment the pattern lacks and that measured nothing is left out.
    expect(table.rows.some((c) => c[0]!.text === 'Choreography' && c[1]!.text === 'answer')).toBe(false);
    const html = fs.readFileSync((await writeReport(tmp(), r)).html, 'utf8');
    expect(html).toContain('Where the time goes');
    expect(html).toContain('data-table="segments"');
  });
});
