import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeployCli } from '../../infra/test/run-cli.ts';
import { readDeployment } from '../../infra/deploy/record.ts';
import { freePort, freePortRun, isRunning } from '../../shared/engines/processes.ts';
import { down } from '../../shared/engines/substrate.ts';
import { resultsSchema, type Results } from '../results/schema.ts';
import { variantOf, type VariantName } from '../../infra/variants.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { awsEnvAt, awsRecordsFrom } from './aws-on-moto.ts';

// Its own instance (a CLI run may not share the tests' instance), named after the test run's.
const INSTANCE = `${process.env.SAGABENCH_TEST_INSTANCE ?? 'test'}-benchdep`;
const VARIANTS = ['choreography', 'eventbridge', 'stepfunctions', 'temporal', 'lambda-durable'] as const;
// The two choreographies would share one event store under one prefix (both outbox publishers taking every event).
const PREFIX: Partial<Record<(typeof VARIANTS)[number], string>> = { eventbridge: 'sbeb' };

const cleanup = async () => {
  await runDeployCli(['destroy', 'all', '--target', 'local', '--instance', INSTANCE]);
  await down(INSTANCE);
};
const of = (r: Results, v: string) => r.variants.find((x) => x.name === v)!;

/**
 * A variant's per-order calls at its level, by service and operation, as the cost model bills
 * them: not a time-based loop's, not a local stand-in's (Step Functions' callback queue, whose
 * receives follow timing and which AWS does not have). A batch call counts its items: how many
 * removals share one BatchWriteItem follows timing (the outbox's acks batch within a window).
 */
const perOrderCalls = (r: Results, v: VariantName) => {
  const localOnly = variantOf(v)
    .billing.localOnly.filter((l) => !l.operations)
    .map((l) => l.service);
  return Object.fromEntries(
    of(r, v)
      .levels[0]!.usage.metered.filter((m) => !m.polling && !localOnly.includes(m.service))
      .map((m) => [`${m.service}.${m.operation}`, m.operation.startsWith('Batch') ? m.items : m.calls]),
  );
};

describe('sagabench bench --deployed (a local deployment driven instead of fresh resources)', () => {
  beforeAll(cleanup);
  afterAll(cleanup);

  const test =
    'deploy, bench --deployed, destroy: every invariant holds, the results name the deployment, and the per-order and engine counts and the bill are those of a fresh run';
  it(test, { timeout: 900_000 }, async () => {
    const ports = ['--instance', INSTANCE, '--moto-port', String(await freePortRun(3)), '--temporal-port', String(await freePort())];
    for (const v of VARIANTS) {
      const deployed = await runDeployCli(['deploy', v, '--target', 'local', ...ports, ...(PREFIX[v] ? ['--prefix', PREFIX[v]] : [])]);
      expect(deployed.code, deployed.stderr).toBe(0);
    }
    const records = VARIANTS.map((v) => readDeployment(v, { target: 'local', instance: INSTANCE })!);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-deployed-'));
    const bench = async (dir: string, more: string[] = []) => {
      const args = ['bench', ...ports, '--variants', VARIANTS.join(','), '--orders', '6', '--warmup', '0', '--levels', '2', '--seed', '3'];
      const r = await runDeployCli(
        [...args, '--floor-orders', '0', '--no-change-impact', '--quiet', '--out', path.join(out, dir), ...more],
        process.env,
        180_000,
      );
      const file = path.join(out, dir, 'results.json');
      return { ...r, results: fs.existsSync(file) ? resultsSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))) : undefined };
    };

    const a = await bench('deployed', ['--deployed']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.results!.invariantsOk).toBe(true);
    for (const d of records) {
      const v = of(a.results!, d.variant);
      expect(v.outcomes, d.variant).toMatchObject({ accepted: 6, lost: 0, errors: 0 });
      expect(v.deployment).toMatchObject({
        target: 'local',
        instance: INSTANCE,
        prefix: d.prefix,
        record: path.join('.tools', 'deployments', `local-${INSTANCE}`, `${d.variant}.json`),
        deployedAt: d.deployedAt,
      });
      // The deployment's processes did the work (the bench started none), and they still run.
      if (d.placement.target !== 'local') throw new Error('a local record');
      for (const pid of d.placement.childPids) expect(isRunning(pid)).toBe(true);
      expect(v.traces.length, d.variant).toBeGreaterThan(0);
      // Lambda durable is not projected (its local orchestration is simulated), and says why.
      if (d.variant === 'lambda-durable') expect(v.notProjectedOnAws).toBeTruthy();
      else expect(v.awsProjection?.label).toBe('PROJECTION');
    }
    // The engines' counts come from the executions' and workflows' histories, as they would on AWS.
    expect(of(a.results!, 'stepfunctions').levels[0]!.usage.stepFunctions).toMatchObject({ executions: 6 });
    expect(of(a.results!, 'temporal').levels[0]!.usage.temporal).toMatchObject({ workflows: 6 });
    expect(of(a.results!, 'lambda-durable').levels[0]!.usage.durable).toMatchObject({ executions: 6 });
    // The durable saga ran in the run's local function host (no local Lambda), simulated, and the results say so.
    expect(of(a.results!, 'lambda-durable').binding).toMatch(/deployment's tables \(simulated orchestration\)/);

    // The same orders on fresh resources: the same per-order calls and engine counts, so the same bill but for what is
    // measured rather than counted: time, and log and history bytes (histories carry the resources' names, which differ).
    const b = await bench('fresh');
    expect(b.code, b.stderr).toBe(0);
    for (const v of VARIANTS) {
      expect(of(b.results!, v).deployment).toBeUndefined();
      const calls = perOrderCalls(b.results!, v);
      // Creating the fresh run's resources is its own, not an order's.
      for (const k of Object.keys(calls))
        if (/\.(Create|Subscribe|GetQueueAttributes|SetQueueAttributes|PutRule|PutTargets|DescribeTable)/.test(k)) delete calls[k];
      expect(perOrderCalls(a.results!, v), v).toEqual(calls);
      const billed = (r: Results) =>
        of(r, v)
          .cost!.breakdown.filter((l) => !/duration|ingested|storage/i.test(l.item))
          .map((l) => [l.item, l.count]);
      expect(billed(a.results!), v).toEqual(billed(b.results!));
    }
    const engine = (r: Results) => {
      const { durationMsTotal: _d, logBytes: _b, ...counts } = of(r, 'stepfunctions').levels[0]!.usage.stepFunctions!;
      return counts;
    };
    expect(engine(a.results!)).toEqual(engine(b.results!));
    const actions = (r: Results) => of(r, 'temporal').levels[0]!.usage.temporal!.actions;
    expect(actions(a.results!)).toBe(actions(b.results!));

    // A second run on the same deployment judges only its own orders (the tables keep the first run's): one variant shows it.
    const c = await bench('again', ['--deployed', '--seed', '4', '--variants', 'choreography']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.results!.invariantsOk).toBe(true);
    expect(perOrderCalls(c.results!, 'choreography')['sns.Publish']).toBeGreaterThan(0);

    // The --target aws path on the same deployments: AWS-shaped records naming them, and the standard AWS and
    // Temporal variables aimed at their engines (aws-on-moto.ts). Nothing is started: the run drives the records.
    const awsTools = path.join(out, 'aws-tools');
    awsRecordsFrom(records, awsTools);
    const temporal = records.find((d) => d.variant === 'temporal')!.resources as { address: string; namespace: string };
    const awsEnv = { ...process.env, ...awsEnvAt(records[0]!, temporal), SAGABENCH_TOOLS_DIR: awsTools };
    const onAws = ['choreography', 'eventbridge', 'stepfunctions', 'temporal'] as const;
    const awsArgs = ['bench', '--target', 'aws', '--yes', '--estimate-from', path.join(out, 'fresh', 'results.json')];
    const awsOut = path.join(out, 'aws');
    const aws = await runDeployCli(
      [...awsArgs, '--variants', onAws.join(','), '--orders', '3', '--warmup', '0', '--levels', '1', '--seed', '5'].concat([
        '--provider-settle',
        '0',
        '--no-change-impact',
        '--quiet',
        '--out',
        awsOut,
      ]),
      awsEnv,
      240_000,
    );
    expect(aws.code, aws.stderr).toBe(0);
    const r = resultsSchema.parse(JSON.parse(fs.readFileSync(path.join(awsOut, 'results.json'), 'utf8')));
    expect(r.environment).toMatchObject({ target: 'aws', emulators: null, emulatorNumbers: false });
    expect(r.invariantsOk).toBe(true);
    for (const v of onAws) {
      expect(of(r, v).outcomes, v).toMatchObject({ accepted: 3, lost: 0, errors: 0 });
      expect(of(r, v).deployment, v).toMatchObject({
        target: 'aws',
        record: path.relative(PROJECT_ROOT, path.join(awsTools, 'deployments', `${v}.json`)),
      });
      // Cold starts and every count's source, kept apart (no function runs here: no REPORT line, no cold start).
      expect(of(r, v).levels[0]!.provider?.coldStarts, v).toEqual({ invocations: 0, coldStarts: 0, initMsTotal: 0 });
      expect(of(r, v).awsProjection, v).toBeUndefined();
    }
    expect(of(r, 'stepfunctions').levels[0]!.usage.stepFunctions).toMatchObject({ executions: 3 });
    expect(of(r, 'stepfunctions').levels[0]!.usage.stepFunctions!.transitions).toBeGreaterThan(0);
    expect(of(r, 'temporal').levels[0]!.usage.temporal).toMatchObject({ workflows: 3 });
    // Every event the EventBridge choreography put on its bus, counted from the placed orders' streams.
    const entries = of(r, 'eventbridge').levels[0]!.usage.metered.find((m) => m.service === 'events' && m.operation === 'PutEvents');
    expect(entries?.calls).toBeGreaterThanOrEqual(3 * 2);
    expect(of(r, 'eventbridge').levels[0]!.provider!.sources.join('\n')).toContain(`PutEvents entries: ${entries!.calls}`);
    // The durable drive needs Lambda itself (an alias to Invoke, GetDurableExecution and its history), which no local
    // engine serves: a local deployment has no function, so its AWS-shaped record names no alias, and the plan refuses
    // it by name before anything is placed (its derivations and pacing are tested in orchestration/lambda-durable/test/).
    const durable = await runDeployCli([...awsArgs, '--variants', 'lambda-durable', '--out', path.join(out, 'aws-durable')], awsEnv);
    expect(durable.code).toBe(2);
    expect(durable.stderr).toMatch(/lambda-durable: its record names no function alias/);
    expect(fs.existsSync(path.join(out, 'aws-durable'))).toBe(false);

    for (const d of records) {
      const destroyed = await runDeployCli(['destroy', d.variant, '--target', 'local', '--instance', INSTANCE]);
      expect(destroyed.code, destroyed.stderr).toBe(0);
      if (d.placement.target === 'local') for (const pid of d.placement.childPids) expect(isRunning(pid)).toBe(false);
    }
    // Without a deployment, --deployed refuses before it starts anything.
    const none = await bench('none', ['--deployed']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/choreography is not deployed on instance .*sagabench deploy choreography --target local/);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('refuses faults, and a variant not deployed on the instance', async () => {
    const f = await runDeployCli(['bench', '--deployed', '--variants', 'choreography', '--faults', 'crash', '--instance', INSTANCE]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--deployed: faults/);
    const t = await runDeployCli(['bench', '--deployed', '--variants', 'temporal', '--instance', `${INSTANCE}-none`]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--deployed: temporal is not deployed on instance '.*-none'/);
  });
});
