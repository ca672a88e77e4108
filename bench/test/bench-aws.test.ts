import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeployCli } from '../../infra/test/run-cli.ts';
import { awsDeploymentFromOutputs, writeDeployment } from '../../infra/deploy/record.ts';
import { variantStack } from '../../infra/variants.ts';
import { dataStackName } from '../../shared/topology/stacks.ts';
import { OUTPUTS } from '../../shared/topology/outputs.ts';
import { TABLE_ROLES, tableNames } from '../../shared/topology/tables.ts';
import { loadResults } from '../report/load.ts';
import { estimateCost } from '../cost/model.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'results', 'small.json');
const PREFIX = 'sagabench';

/** What `deploy --target aws` would record, from made-up stack outputs: the bench reads only the record. */
function recordAwsDeployments(
  toolsDir: string,
  variants: Array<'choreography' | 'stepfunctions' | 'temporal' | 'lambda-durable'>,
  stateMachineType: 'STANDARD' | 'EXPRESS' = 'STANDARD',
  /** What a record written before the durable stack published its alias holds: no functionAliasArn. */
  withoutAlias = false,
): void {
  const any = (fixed: Record<string, string>) =>
    new Proxy({}, { get: (_t, k) => (typeof k === 'string' ? (fixed[k] ?? `value-of-${k}`) : undefined) }) as Record<string, string>;
  const data: Record<string, string> = { [OUTPUTS.account]: '123456789012', [OUTPUTS.region]: 'us-east-1' };
  for (const r of TABLE_ROLES) data[OUTPUTS.table(r)] = tableNames(PREFIX)[r];
  const saved = process.env.SAGABENCH_TOOLS_DIR;
  process.env.SAGABENCH_TOOLS_DIR = toolsDir;
  try {
    for (const v of variants) {
      const d = awsDeploymentFromOutputs(v, PREFIX, {
        [dataStackName(PREFIX)]: any(data),
        [variantStack(PREFIX, v)]: any({ [OUTPUTS.stateMachineType]: stateMachineType }),
      });
      if (withoutAlias) delete (d.resources as { functionAliasArn?: string }).functionAliasArn;
      writeDeployment(d);
    }
  } finally {
    if (saved === undefined) delete process.env.SAGABENCH_TOOLS_DIR;
    else process.env.SAGABENCH_TOOLS_DIR = saved;
  }
}

/**
 * The report fixture plus a lambda-durable entry priced by the cost model from made-up durable counts
 * (8 executions of 8 to 10 step attempts, as the saga runs locally): the fixture's run did not include
 * the variant, and the plan only multiplies its per-order price.
 */
function fixtureWithDurable(dir: string): string {
  const r = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { variants: Array<{ name: string; cost: object }> };
  const sf = r.variants.find((v) => v.name === 'stepfunctions')!;
  const cost = estimateCost({
    variant: 'lambda-durable',
    orders: 8,
    metered: [],
    lambda: { tracedRuns: 66, durationMsTotal: 3300, memoryMb: 512, arch: 'arm64' },
    durable: { executions: 8, operations: 66, retries: 2, dataWrittenBytes: 4700 },
  });
  r.variants.push({ ...sf, name: 'lambda-durable', cost: { ...sf.cost, ...cost } });
  const file = path.join(dir, 'with-durable.json');
  fs.writeFileSync(file, JSON.stringify(r));
  return file;
}

describe('sagabench bench --target aws: the safety checks before any order', () => {
  let home: string;
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let probes = 0;
  let imds: string;
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-benchaws-'));
    // Stands in for the EC2 instance metadata service: accepts and never answers, so a credential
    // chain that reaches it must time out, and a run that must not call AWS is seen if it does.
    silent = net.createServer((socket) => {
      probes++;
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    imds = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
    fs.rmSync(home, { recursive: true, force: true });
  });

  /** No AWS_* variable but the fake metadata endpoint; HOME and the tools folder empty folders of this test. */
  const bare = (tools: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: home,
    SAGABENCH_TOOLS_DIR: tools,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: imds,
    ...extra,
  });
  const tools = (name: string) => path.join(home, name);

  it('without credentials: exit 1 in seconds, says what to configure, places nothing and writes nothing', async () => {
    const out = path.join(home, 'nocreds-out');
    const started = Date.now();
    const r = await runDeployCli(
      ['bench', '--target', 'aws', '--variants', 'choreography', '--out', out],
      bare(tools('t-nocreds')),
      60_000,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/No AWS credentials: the AWS credential chain found none/);
    expect(r.stderr).toMatch(/AWS_PROFILE/);
    expect(r.stderr).toMatch(/No order was placed/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(tools('t-nocreds'))).toBe(false);
    // The durable drive's Invoke and GetDurableExecution go through the same chain: refused the same way, as fast.
    const durableStarted = Date.now();
    const d = await runDeployCli(
      ['bench', '--target', 'aws', '--variants', 'lambda-durable', '--out', out],
      bare(tools('t-nocreds')),
      60_000,
    );
    expect(d.code, d.stderr).toBe(1);
    expect(d.stderr).toMatch(/No AWS credentials: the AWS credential chain found none/);
    expect(d.stderr).toMatch(/No order was placed/);
    expect(Date.now() - durableStarted).toBeLessThan(20_000);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('--dry-run prints the plan and the bill (per-order cost x planned orders) without calling AWS', async () => {
    const dir = tools('t-dry');
    recordAwsDeployments(dir, ['choreography', 'temporal']);
    const fixture = loadResults(FIXTURE).results;
    const before = probes;
    const args = ['bench', '--target', 'aws', '--variants', 'choreography,temporal', '--orders', '20', '--warmup', '2', '--levels', '1,4'];
    const r = await runDeployCli([...args, '--dry-run', '--estimate-from', FIXTURE], bare(dir), 60_000);
    expect(r.code, r.stderr).toBe(0);
    expect(probes, 'no credential chain, no metadata probe').toBe(before);
    // 2 levels x (20 + 2) orders per variant.
    const usd = (v: string) => fixture.variants.find((x) => x.name === v)!.cost!.perOrderUsd * 44;
    const money = (x: number) => (x >= 0.01 ? `$${x.toFixed(2)}` : `$${x.toPrecision(3)}`);
    expect(r.stdout).toContain(
      `choreography: stacks ${dataStackName(PREFIX)}, ${variantStack(PREFIX, 'choreography')} (account 123456789012, us-east-1); 44 orders`,
    );
    expect(r.stdout).toContain(`= ${money(usd('choreography'))}`);
    expect(r.stdout).toContain(`= ${money(usd('temporal'))}`);
    expect(r.stdout).toContain(`Estimated bill: ${money(usd('choreography') + usd('temporal'))} for 88 orders (cap 1000;`);
    expect(r.stdout).toMatch(/accrue while it stays deployed/); // the Temporal worker's fixed lines
    // The cap: the same plan above it is refused before anything else, and --max-orders raises it.
    const capped = await runDeployCli([...args, '--dry-run', '--estimate-from', FIXTURE, '--max-orders', '80'], bare(dir), 60_000);
    expect(capped.code).toBe(2);
    expect(capped.stderr).toMatch(/would place 88 orders .* above the cap of 80; .* --max-orders/);
    // A variant with no AWS record is named, with the command that deploys it.
    const missing = await runDeployCli(
      ['bench', '--target', 'aws', '--variants', 'stepfunctions', '--dry-run', '--estimate-from', FIXTURE],
      bare(dir),
      60_000,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/`sagabench deploy stepfunctions --target aws`/);
    expect(probes).toBe(before);
  });

  it('--dry-run plans and prices lambda-durable; a record without its alias is refused by name, before anything', async () => {
    const dir = tools('t-durable');
    recordAwsDeployments(dir, ['lambda-durable']);
    const from = fixtureWithDurable(home);
    const perOrder = loadResults(from).results.variants.find((v) => v.name === 'lambda-durable')!.cost!.perOrderUsd;
    const before = probes;
    const args = [
      'bench',
      '--target',
      'aws',
      '--variants',
      'lambda-durable',
      '--orders',
      '20',
      '--warmup',
      '2',
      '--levels',
      '1,4',
      '--dry-run',
    ];
    const r = await runDeployCli([...args, '--estimate-from', from], bare(dir), 60_000);
    expect(r.code, r.stderr).toBe(0);
    const money = (x: number) => (x >= 0.01 ? `$${x.toFixed(2)}` : `$${x.toPrecision(3)}`);
    expect(r.stdout).toContain(
      `lambda-durable: stacks ${dataStackName(PREFIX)}, ${variantStack(PREFIX, 'lambda-durable')} (account 123456789012, us-east-1); 44 orders x ${money(perOrder)} = ${money(perOrder * 44)}`,
    );
    expect(r.stdout).toContain(`Estimated bill: ${money(perOrder * 44)} for 44 orders`);
    // No fixed line: nothing of it runs while idle.
    expect(r.stdout).not.toMatch(/lambda-durable.*accrue while it stays deployed/);
    const old = tools('t-durable-old');
    recordAwsDeployments(old, ['lambda-durable'], 'STANDARD', true);
    const refused = await runDeployCli([...args, '--estimate-from', from], bare(old), 60_000);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /lambda-durable: its record names no function alias .* redeploy it with `sagabench deploy lambda-durable --target aws`; no order was placed/,
    );
    expect(probes).toBe(before);
  });

  it('with credentials and no terminal, asks for --yes before placing any order; AWS-only flags are refused locally', async () => {
    const dir = tools('t-yes');
    recordAwsDeployments(dir, ['stepfunctions']);
    const creds = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret', AWS_REGION: 'us-east-1' };
    const r = await runDeployCli(
      ['bench', '--target', 'aws', '--variants', 'stepfunctions', '--orders', '5', '--levels', '1', '--estimate-from', FIXTURE],
      bare(dir, creds),
      60_000,
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/Estimated bill: \$/);
    expect(r.stderr).toMatch(/confirm the estimated bill of \$[\d.e-]+ with --yes .* no order was placed/);
    // Refused by name before the bill is confirmed: Temporal with no address in its own configuration, and an EXPRESS
    // state machine (no DescribeExecution, no history).
    recordAwsDeployments(dir, ['temporal']);
    const refused = (variants: string, env = bare(dir, creds)) =>
      runDeployCli(['bench', '--target', 'aws', '--variants', variants, '--yes', '--estimate-from', FIXTURE], env, 60_000);
    const t = await refused('temporal');
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/temporal: no Temporal address: set TEMPORAL_ADDRESS/);
    const express = tools('t-express');
    recordAwsDeployments(express, ['stepfunctions'], 'EXPRESS');
    const e = await refused('stepfunctions', bare(express, creds));
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/stepfunctions: its state machine is EXPRESS/);
    const local = await runDeployCli(['bench', '--dry-run', '--yes'], bare(dir), 60_000);
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/--dry-run, --yes: only with --target aws/);
  });
});
