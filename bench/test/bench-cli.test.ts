import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { spawn } from 'node:child_process';
import { CLI, collect, runCli, startCli, waitForOutput } from '../../shared/engines/test/cli-run.ts';
import { resultsSchema } from '../results/schema.ts';
import { VARIANTS, variantOf } from '../../infra/variants.ts';
import { isProjected } from '../../shared/variant/aws-hops.ts';
import { leftovers, ours } from './leftovers.ts';

const SECRET = 'sb-canary-5f0c2e9a7d';
// The real command, in its own process, on the tests' substrate (which it finds
// running, so it leaves it running): what a user gets from `npx sagabench bench`.
describe('sagabench bench', () => {
  const substrate = inject('substrate');
  const out = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-bench-')), 'run');

  it('runs every variant on the same orders and writes valid results with floor, cost and invariants', { timeout: 300_000 }, async () => {
    const dir = out();
    const before = new Set(ours());
    const r = await runCli(
      [
        'bench',
        '--instance',
        substrate.instance,
        '--orders',
        '6',
        '--warmup',
        '1',
        '--levels',
        '3',
        '--floor-orders',
        '3',
        '--seed',
        '4',
        '--no-change-impact',
        '--quiet',
        '--out',
        dir,
      ],
      // Secrets in the environment must not reach the output, the results or the logs.
      { AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: SECRET, TEMPORAL_API_KEY: SECRET, SAGABENCH_CANARY: SECRET },
      280_000,
    );
    expect(r.code, r.stderr).toBe(0);
    const written = [r.stdout, r.stderr, ...fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))].join('\n');
    expect(written).not.toContain(SECRET);
    expect(written).not.toContain(process.env.PATH!);
    const results = resultsSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')));
    expect(results.partial).toBe(false);
    expect(results.invariantsOk).toBe(true);
    // seed 4 rotates the five variants by four.
    expect(results.workload.variantOrder).toEqual(['lambda-durable', 'choreography', 'eventbridge', 'stepfunctions', 'temporal']);
    expect(results.environment).toMatchObject({ target: 'local', emulatorNumbers: true, emulators: { moto: '5.2.5', motoPatched: true } });
    // The CLI runs on the Node that started it (the project's own Node 24 under npm), and says so.
    expect(results.environment.node).toBe(process.version);
    expect(r.stdout).toContain(`Ran on Node ${process.version}, moto 5.2.5 with the launcher’s race fixes`);
    const outcomes = results.variants.map((v) => v.outcomes);
    for (const v of results.variants) {
      const level = v.levels[0]!;
      expect(level.outcomes.accepted, v.name).toBe(6);
      expect(level.outcomes.lost).toBe(0);
      expect(level.latencyMs.count).toBe(6);
      expect(level.latencyMs.p50).toBeGreaterThan(0);
      expect(level.floor?.hops, v.name).toBeGreaterThan(1);
      expect(level.floor?.units).toBe(3);
      expect(level.floor?.ratio).toBeGreaterThan(0);
      // The floor writes nothing: the ratio less each order's DynamoDB calls is the part they do not explain.
      expect(level.floor?.lessUnshared?.segments, v.name).toEqual(['dynamodb']);
      expect(level.floor!.lessUnshared!.p50Ms, v.name).toBeLessThan(level.latencyMs.p50);
      expect(level.floor!.lessUnshared!.ratio!, v.name).toBeLessThanOrEqual(level.floor!.ratio!);
      // The choreographies' orders API reports its append and publish: the submit keeps only the call's remainder.
      if (v.name === 'choreography' || v.name === 'eventbridge')
        expect(level.segmentsMs!.submit.mean, v.name).toBeLessThan(level.acceptMs.mean);
      expect(level.harnessCpuMsPerOrder).toBeGreaterThan(0);
      expect(level.cost.perMillionOrdersUsd).toBeGreaterThan(0);
      expect(v.invariants.every((i) => i.ok)).toBe(true);
      expect(v.traces.length).toBeGreaterThan(0);
      // Where the time went: the segments' means add up to the mean latency (HdrHistogram rounds the latter).
      const segments = Object.values(level.segmentsMs ?? {});
      expect(segments.length, v.name).toBeGreaterThan(0);
      expect(segments.reduce((a, x) => a + x.mean, 0)).toBeGreaterThan(level.latencyMs.mean * 0.95);
      expect(segments.reduce((a, x) => a + x.mean, 0)).toBeLessThan(level.latencyMs.mean * 1.05 + 1);
      expect(level.segmentsMs!.dynamodb.mean, v.name).toBeGreaterThan(0);
      expect(level.ci?.p50?.[0]).toBeLessThanOrEqual(level.latencyMs.p50);
      // Every local run carries its AWS projection, labelled, over the level's ended orders, with its sources.
      // A variant whose hops on AWS have no published latency says why instead (its registry entry).
      if (!isProjected(variantOf(v.name).awsPath)) {
        expect(v.awsProjection, v.name).toBeNull();
        expect(v.notProjectedOnAws, v.name).toMatch(/no published/);
        continue;
      }
      const p = v.awsProjection!;
      expect(p, v.name).toMatchObject({ label: 'PROJECTION', level: 3, orders: 6 });
      expect(p.p99Ms).toBeGreaterThanOrEqual(p.p50Ms);
      expect(p.p50Ms).toBeGreaterThan(p.carriedOver.p50Ms);
      expect(p.sources.length).toBeGreaterThan(0);
      expect(
        p.hops.reduce((a, h) => a + h.perOrderMean, 0),
        v.name,
      ).toBeGreaterThan(1);
    }
    expect(r.stdout).toMatch(/PROJECTION on AWS/);
    // Same seeded orders, same outcomes, whichever way they were coordinated.
    expect(outcomes.length).toBe(VARIANTS.length);
    for (const o of outcomes.slice(1)) expect(o).toEqual(outcomes[0]);
    expect(r.stdout).toMatch(/per 1M orders/);
    expect(await leftovers(before)).toEqual([]);
  });

  it('shows a live bar on a terminal and exits when done (the bars keep a timer alive until closed)', { timeout: 120_000 }, async () => {
    const dir = out();
    // util-linux `script` gives the command a pseudo-terminal, as a user's shell would.
    const command = [
      process.execPath,
      CLI,
      'bench',
      '--instance',
      substrate.instance,
      '--variants',
      'temporal',
      '--orders',
      '4',
      '--warmup',
      '0',
      '--levels',
      '2',
      '--floor-orders',
      '0',
      '--no-change-impact',
      '--out',
      dir,
    ].join(' ');
    const r = await collect(spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] }), 100_000);
    expect(r.code, r.stdout.slice(-1500)).toBe(0);
    expect(r.stdout).toMatch(/\[█+\] 4\/4 \| [\d.]+\/s \| errors 0/);
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(true);
  });

  it('refuses a bad flag before starting anything: exit 2, no output folder', async () => {
    const dir = out();
    const r = await runCli(['bench', '--instance', substrate.instance, '--levels', '2,0', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--levels: '0' is not a positive number/);
    expect(fs.existsSync(dir)).toBe(false);
  });
  // Ctrl-C, SIGTERM, dead engines and the instance lock: stop-signals.test.ts.
});
