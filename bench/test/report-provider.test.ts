import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../report/model.ts';
import { loadResults } from '../report/load.ts';
import { resultsSchema } from '../results/schema.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'results', 'small.json');

describe('the report of a --target aws run: cold starts and provider-side counts, apart', () => {
  it('a level with provider counts gets the cold-start table and every source; a local run has no such section', () => {
    const local = loadResults(FIXTURE).results;
    expect(buildReport(local).sections.find((s) => s.id === 'provider')).toBeUndefined();

    const aws = structuredClone(local);
    aws.environment.target = 'aws';
    aws.environment.emulatorNumbers = false;
    const v = aws.variants[0]!;
    v.levels[0]!.provider = {
      coldStarts: { invocations: 40, coldStarts: 3, initMsTotal: 750 },
      sources: ['Lambda: 40 invocations, billed duration and 3 cold starts from the REPORT lines of 6 functions (FilterLogEvents)'],
    };
    // The results contract takes it as it stands (schema 3, additive).
    resultsSchema.parse(aws);
    const section = buildReport(aws).sections.find((s) => s.id === 'provider')!;
    expect(section.intro.join('\n')).toContain('40 invocations, billed duration and 3 cold starts');
    const table = section.tables[0]!;
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]!.slice(2).map((c) => c.text)).toEqual(['40', '3', '7.5 %', expect.stringMatching(/^250/)]);
  });
});
