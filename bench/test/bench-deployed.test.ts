import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeployCli } from '../../infra/test/run-cli.ts';
import { readDeployment } from '../../infra/deploy/record.ts';
import { freePort, freePortRun, isRunning } from '../../shared/engines/processes.ts';
import { down } from '../../shared/engines/substrate.ts';
import { resultsSchema, type Results } from '../results/schema.ts';

// Its own instance (a CLI run may not share the tests' instance), named after the test run's.
const INSTANCE = `${process.env.SAGABENCH_TEST_INSTANCE ?? 'test'}-benchdep`;

const cleanup = async () => {
  await runDeployCli(['destroy', 'all', '--target', 'local', '--instance', INSTANCE]);
  await down(INSTANCE);
};

/** The per-order (not time-based) calls of a level, by service and operation: what the cost model bills per order. */
const perOrderCalls = (r: Results) =>
  Object.fromEntries(
    r.variants[0]!.levels[0]!.usage.metered.filter((m) => !m.polling).map((m) => [`${m.service}.${m.operation}`, m.calls]),
  );

describe('sagabench bench --deployed (a local deployment driven instead of fresh resources)', () => {
  beforeAll(cleanup);
  afterAll(cleanup);

  it(
    'deploy, bench --deployed, destroy: every invariant holds, the results name the deployment, and the per-order counts and cost are those of a fresh run',
    { timeout: 400_000 },
    async () => {
      const ports = ['--instance', INSTANCE, '--moto-port', String(await freePortRun(3)), '--temporal-port', String(await freePort())];
      const deployed = await runDeployCli(['deploy', 'choreography', '--target', 'local', ...ports]);
      expect(deployed.code, deployed.stderr).toBe(0);
      const d = readDeployment('choreography', { target: 'local', instance: INSTANCE })!;
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-deployed-'));
      const bench = (dir: string, more: string[] = []) =>
        runDeployCli(
          [
            'bench',
            ...ports,
            '--variants',
            'choreography',
            '--orders',
            '6',
            '--warmup',
            '0',
            '--levels',
            '2',
            '--seed',
            '3',
            '--floor-orders',
            '0',
            '--no-change-impact',
            '--quiet',
            '--out',
            path.join(out, dir),
            ...more,
          ],
          process.env,
          180_000,
        );
      const onDeployment = await bench('deployed', ['--deployed']);
      expect(onDeployment.code, onDeployment.stderr).toBe(0);
      const a = resultsSchema.parse(JSON.parse(fs.readFileSync(path.join(out, 'deployed', 'results.json'), 'utf8')));
      expect(a.invariantsOk).toBe(true);
      expect(a.variants[0]!.outcomes).toMatchObject({ accepted: 6, lost: 0, errors: 0 });
      expect(a.variants[0]!.deployment).toMatchObject({
        target: 'local',
        instance: INSTANCE,
        prefix: d.prefix,
        record: path.join('.tools', 'deployments', `local-${INSTANCE}`, 'choreography.json'),
        deployedAt: d.deployedAt,
      });
      // The deployment's processes did the work (the bench started none), and they still run.
      if (d.placement.target !== 'local') throw new Error('a local record');
      for (const pid of d.placement.childPids) expect(isRunning(pid)).toBe(true);
      expect(a.variants[0]!.traces.length).toBeGreaterThan(0);
      expect(a.variants[0]!.awsProjection?.label).toBe('PROJECTION');

      // The same orders on fresh resources: the same per-order calls, so the same bill per order but for measured Lambda time.
      const fresh = await bench('fresh');
      expect(fresh.code, fresh.stderr).toBe(0);
      const b = resultsSchema.parse(JSON.parse(fs.readFileSync(path.join(out, 'fresh', 'results.json'), 'utf8')));
      expect(b.variants[0]!.deployment).toBeUndefined();
      const calls = perOrderCalls(b);
      // Creating the fresh run's resources is its own, not an order's.
      for (const setup of [
        'dynamodb.CreateTable',
        'sns.CreateTopic',
        'sns.Subscribe',
        'sqs.CreateQueue',
        'sqs.GetQueueAttributes',
        'sqs.SetQueueAttributes',
      ])
        delete calls[setup];
      expect(perOrderCalls(a)).toEqual(calls);
      const billed = (r: Results) => r.variants[0]!.cost!.breakdown.filter((l) => !/duration/.test(l.item)).map((l) => [l.item, l.count]);
      expect(billed(a)).toEqual(billed(b));

      // A second run on the same deployment judges only its own orders (the tables keep the first run's).
      const again = await bench('again', ['--deployed', '--seed', '4']);
      expect(again.code, again.stderr).toBe(0);
      const c = resultsSchema.parse(JSON.parse(fs.readFileSync(path.join(out, 'again', 'results.json'), 'utf8')));
      expect(c.invariantsOk).toBe(true);
      expect(perOrderCalls(c)['sns.Publish']).toBeGreaterThan(0);

      const destroyed = await runDeployCli(['destroy', 'choreography', '--target', 'local', '--instance', INSTANCE]);
      expect(destroyed.code, destroyed.stderr).toBe(0);
      for (const pid of d.placement.childPids) expect(isRunning(pid)).toBe(false);
      // Without a deployment, --deployed refuses before it starts anything.
      const none = await bench('none', ['--deployed']);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/choreography is not deployed on instance .*sagabench deploy choreography --target local/);
      fs.rmSync(out, { recursive: true, force: true });
    },
  );

  it('refuses variants it cannot drive deployed yet, and faults', async () => {
    const r = await runDeployCli(['bench', '--deployed', '--variants', 'temporal', '--instance', INSTANCE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/driving a deployed temporal is not implemented yet \(choose from choreography\)/);
    const f = await runDeployCli(['bench', '--deployed', '--variants', 'choreography', '--faults', 'crash', '--instance', INSTANCE]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--deployed: faults/);
  });
});
