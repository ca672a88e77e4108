import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../shared/errors.ts';
import { registerReportCommand } from '../report/cli.ts';
import { jsonErrorOffset } from '../report/load.ts';
import { buildReport } from '../report/model.ts';
import { loadResults } from '../report/load.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'results', 'small.json');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-report-load-'));
const write = (dir: string, name: string, content: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};

/** The error a call throws, which must be a UserError (exit 2 for all bad input). */
function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

describe('report: reading a results file', () => {
  it('reads the real fixture, from the file or from its folder', () => {
    expect(loadResults(FIXTURE).results.variants).toHaveLength(3);
    const dir = tmp();
    fs.copyFileSync(FIXTURE, path.join(dir, 'results.json'));
    expect(loadResults(dir).path).toBe(path.join(dir, 'results.json'));
  });

  it('a missing file: exit 2, names the file', () => {
    const e = userError(() => loadResults('/nonexistent/results.json'));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('/nonexistent/results.json: no such file');
  });

  it('a folder without results.json: exit 2', () => {
    const e = userError(() => loadResults(tmp()));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/a folder with no results\.json in it$/);
  });

  it('invalid JSON: exit 2, with the line and column where it broke', () => {
    const p = write(tmp(), 'results.json', '{\n  "schemaVersion": 2,\n  "tool": }\n');
    const e = userError(() => loadResults(p));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/results\.json: not valid JSON at line 3, column 11: /);
  });

  it('a cut-short file says so', () => {
    const p = write(tmp(), 'results.json', fs.readFileSync(FIXTURE, 'utf8').slice(0, 500));
    const e = userError(() => loadResults(p));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/not valid JSON at line \d+, column \d+ \(the end: the file is cut short or empty\)/);
  });

  it('finds the offset where JSON breaks, and none in valid JSON', () => {
    expect(jsonErrorOffset(fs.readFileSync(FIXTURE, 'utf8'))).toBe(-1);
    expect(jsonErrorOffset('{"a": [1, 2,, 3]}')).toBe(12);
    expect(jsonErrorOffset('{"a": 01}')).toBe(7);
    // jsonc-parser points at the start of the token that cannot be JSON: the string holding the tab, the bare word.
    expect(jsonErrorOffset('{"a": "x\ty"}')).toBe(6);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{} x')).toBe(3);
    expect(jsonErrorOffset('')).toBe(0);
    expect(jsonErrorOffset('['.repeat(200_000))).toBe(-1);
  });

  it('another schema version: exit 2, which version and which this one reads', () => {
    const data = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    // A file written before costs carried fixed lines and a stepwise projection (schema 1) is refused, not misread.
    const p = write(tmp(), 'results.json', JSON.stringify({ ...data, schemaVersion: 1 }));
    const e = userError(() => loadResults(p));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`${p}: schemaVersion 1 is not supported by this sagabench (reads 2 and 3)`);
  });

  it('a schema 2 file (before AWS projections) is read as schema 3 without them, and its report says nothing projected', () => {
    const data = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const v2 = { ...data, schemaVersion: 2, variants: data.variants.map(({ awsProjection: _p, ...v }: Record<string, unknown>) => v) };
    const r = loadResults(write(tmp(), 'results.json', JSON.stringify(v2))).results;
    expect(r.schemaVersion).toBe(3);
    expect(r.variants.map((v) => v.awsProjection)).toEqual([undefined, undefined, undefined]);
    expect(buildReport(r).sections.map((s) => s.id)).not.toContain('aws-projection');
    // The fixture itself (schema 3) carries them.
    expect(buildReport(loadResults(FIXTURE).results).sections.map((s) => s.id)).toContain('aws-projection');
  });

  it('no schemaVersion, or not an object: exit 2, "not a sagabench results file"', () => {
    const dir = tmp();
    const a = userError(() => loadResults(write(dir, 'a.json', JSON.stringify({ hello: 'world' }))));
    expect(a.exitCode).toBe(2);
    expect(a.message).toMatch(/a\.json: not a sagabench results file \(no schemaVersion; this sagabench reads schemaVersion 3\)$/);
    const b = userError(() => loadResults(write(dir, 'b.json', '[1, 2]')));
    expect(b.message).toMatch(/b\.json: not a sagabench results file \(expected a JSON object, found an array\)$/);
  });

  it('the wrong shape: exit 2, one line per problem naming the field', () => {
    const data = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    data.variants[0].levels[1].latencyMs.p99 = 'fast';
    delete data.workload.seed;
    const p = write(tmp(), 'results.json', JSON.stringify(data));
    const e = userError(() => loadResults(p));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/results\.json: not a valid sagabench results file \(schemaVersion 3\):/);
    expect(e.message).toMatch(/^ {2}workload\.seed: /m);
    expect(e.message).toMatch(/^ {2}variants\.0\.levels\.1\.latencyMs\.p99: /m);
  });
});

describe('sagabench report (the command)', () => {
  afterEach(() => vi.restoreAllMocks());

  /** As bench/cli/main.ts runs it: commander with exitOverride, a UserError carries the exit code. */
  async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const program = new Command('sagabench').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerReportCommand(program);
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    try {
      await program.parseAsync(['node', 'sagabench', 'report', ...args]);
      return { code: 0, out: out.join('\n'), err: '' };
    } catch (err) {
      if (err instanceof UserError) return { code: err.exitCode, out: out.join('\n'), err: err.message };
      throw err;
    }
  }

  it('writes report.html, report.md and results.json into --out and prints the verdicts', async () => {
    const out = path.join(tmp(), 'out');
    const r = await run([FIXTURE, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['report.html', 'report.md', 'results.json']);
    // What the report read, upgraded to the current schema.
    expect(JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'))).toEqual(loadResults(FIXTURE).results);
    expect(r.out).toMatch(/^Latency: Choreography had the lowest p99 at 1 client/m);
    expect(r.out).toContain(`Report:   ${path.join(out, 'report.html')}`);
  });

  it('bad input exits 2 with the message', async () => {
    expect(await run(['/nonexistent/results.json'])).toMatchObject({ code: 2, err: '/nonexistent/results.json: no such file' });
    const dir = tmp();
    const bad = write(dir, 'results.json', '{"schemaVersion": 1}');
    expect(await run([bad, '--out', dir])).toMatchObject({
      code: 2,
      err: `${bad}: schemaVersion 1 is not supported by this sagabench (reads 2 and 3)`,
    });
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(false);
  });

  it('usage mistakes exit 2: no file, --compare with one file, a file and --compare', async () => {
    expect(await run([])).toMatchObject({ code: 2, err: expect.stringMatching(/give a results\.json/) });
    expect(await run(['--compare', FIXTURE])).toMatchObject({
      code: 2,
      err: '--compare takes exactly two results files (A, then B); got 1',
    });
    expect(await run([FIXTURE, '--compare', FIXTURE, FIXTURE])).toMatchObject({ code: 2, err: expect.stringMatching(/not both/) });
  });

  it('--compare writes compare.html and compare.md', async () => {
    const out = tmp();
    const r = await run(['--compare', FIXTURE, FIXTURE, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['compare.html', 'compare.md']);
    expect(r.out).toMatch(/Like for like/);
  });
});
