import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { collect, runCli, startCli, waitForOutput } from './cli-run.ts';
import { findProcesses, freePort, freePortRun, isRunning, listeningSockets, stopProcess } from '../processes.ts';
import { startMoto } from '../moto.ts';
import type { MotoProcess } from '../state.ts';
import type { ServiceName } from '../../aws/clients.ts';
import { journalFile, stateFile, venvBin } from '../../paths.ts';
import { up } from '../substrate.ts';
import { substrateStateSchema, type SubstrateState } from '../state.ts';

const pidsOf = (s: SubstrateState) => [...s.moto.processes.map((p) => p.pid), s.temporal.pid];

/** Processes started for one instance's ports, found by command line, whoever started them. */
const enginesOn = (motoPort: number, temporalPort: number) => [
  ...findProcesses(['moto_server', '-p', String(motoPort)]),
  ...findProcesses(['moto_server', '-p', String(motoPort + 1)]),
  ...findProcesses(['moto_server', '-p', String(motoPort + 2)]),
  ...findProcesses(['temporal', 'start-dev', '--port', String(temporalPort)]),
];

describe('sagabench local up / status / down', () => {
  const used: string[] = [];
  afterAll(async () => {
    for (const instance of used) await runCli(['local', 'down', '--instance', instance]);
  });

  it('starts both engines on 127.0.0.1 only, reuses them on a second up, and leaves nothing behind after down', async () => {
    const instance = 'lifecycle';
    used.push(instance);
    const motoPort = await freePortRun(3);
    const temporalPort = await freePort();
    const first = await runCli([
      'local',
      'up',
      '--instance',
      instance,
      '--moto-port',
      String(motoPort),
      '--temporal-port',
      String(temporalPort),
      '--json',
    ]);
    expect(first.stderr).not.toMatch(/Installing/);
    expect(first.code, first.stderr).toBe(0);
    const state = substrateStateSchema.parse(JSON.parse(first.stdout));
    expect(state.moto.endpoints.sqs).toBe(`http://127.0.0.1:${motoPort}`);
    expect(state.temporal.address).toBe(`127.0.0.1:${temporalPort}`);
    expect(fs.existsSync(stateFile(instance))).toBe(true);
    for (const pid of pidsOf(state)) {
      expect(isRunning(pid)).toBe(true);
      const sockets = listeningSockets(pid);
      expect(sockets.length).toBeGreaterThan(0);
      expect(
        sockets.every((s) => s.address === '127.0.0.1'),
        JSON.stringify(sockets),
      ).toBe(true);
    }

    const second = await runCli([
      'local',
      'up',
      '--instance',
      instance,
      '--moto-port',
      String(motoPort),
      '--temporal-port',
      String(temporalPort),
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Already running; nothing started/);
    expect(second.stderr).not.toMatch(/Installing|Starting/);

    const status = await runCli(['local', 'status', '--instance', instance, '--json']);
    expect(status.code).toBe(0);
    const health = JSON.parse(status.stdout) as { healthy: boolean; components: { running: boolean; answering: boolean }[] };
    expect(health.healthy).toBe(true);
    expect(health.components).toHaveLength(4);

    // Clients that share no code with sagabench see the same servers.
    const temporal = spawnSync(
      venvBin('temporal'),
      ['operator', 'namespace', 'describe', '--namespace', 'default', '--address', state.temporal.address],
      { encoding: 'utf8' },
    );
    expect(temporal.status, temporal.stderr).toBe(0);
    expect(temporal.stdout).toMatch(/default/);
    const boto = spawnSync(
      venvBin('python'),
      [
        '-c',
        `import boto3,sys
sqs = boto3.client('sqs', endpoint_url='${state.moto.endpoints.sqs}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
url = sqs.create_queue(QueueName='from-boto3')['QueueUrl']
sqs.send_message(QueueUrl=url, MessageBody='hello')
ddb = boto3.client('dynamodb', endpoint_url='${state.moto.endpoints.dynamodb}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
print(url, ddb.list_tables()['TableNames'])`,
      ],
      { encoding: 'utf8' },
    );
    expect(boto.status, boto.stderr).toBe(0);
    expect(boto.stdout).toMatch(/from-boto3/);

    const down = await runCli(['local', 'down', '--instance', instance]);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/Stopped instance 'lifecycle'/);
    for (const pid of pidsOf(state)) expect(isRunning(pid)).toBe(false);
    expect(enginesOn(motoPort, temporalPort)).toEqual([]);
    expect(fs.existsSync(stateFile(instance))).toBe(false);

    const again = await runCli(['local', 'down', '--instance', instance]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing is running for instance 'lifecycle'/);
    const gone = await runCli(['local', 'status', '--instance', instance]);
    expect(gone.code).toBe(3);
    expect(gone.stdout).toMatch(/not running/);
  });

  it('refuses a port that is already taken, naming it, and starts nothing', async () => {
    const instance = 'porttaken';
    used.push(instance);
    const blocker = net.createServer();
    const taken = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const motoPort = await freePortRun(3);
      const r = await runCli(['local', 'up', '--instance', instance, '--moto-port', String(motoPort), '--temporal-port', String(taken)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`Port ${taken} on 127\\.0\\.0\\.1 \\(Temporal frontend gRPC\\) is already in use`));
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(fs.existsSync(stateFile(instance))).toBe(false);
      expect(enginesOn(motoPort, taken)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('does not take another moto on its port for its own: a port taken after the check fails the start', async () => {
    // The race two test lanes lost: a port is free when chosen, then another process binds it before
    // ours does. Skipping the pre-check (checkMotoPorts) stands in for losing that race.
    const port = await freePort();
    const plan = [{ name: 'moto', services: ['sqs', 'sns', 'sfn', 'dynamodb', 'events'] as ServiceName[], port }];
    const [other] = await startMoto(plan, 'portrace-a', () => {});
    try {
      const ours: MotoProcess[] = [];
      await expect(startMoto(plan, 'portrace-b', (p) => ours.push(p))).rejects.toThrow(/moto \(moto, port \d+\)/);
      expect(ours.every((p) => !isRunning(p.pid))).toBe(true);
    } finally {
      await stopProcess(other!);
    }
  });

  it('stops everything on Ctrl-C of a foreground up', async () => {
    const instance = 'foreground';
    used.push(instance);
    const motoPort = await freePortRun(3);
    const temporalPort = await freePort();
    const child = startCli([
      'local',
      'up',
      '--foreground',
      '--instance',
      instance,
      '--moto-port',
      String(motoPort),
      '--temporal-port',
      String(temporalPort),
    ]);
    const done = collect(child);
    await waitForOutput(child, /Ctrl-C stops it/);
    const state = substrateStateSchema.parse(JSON.parse(fs.readFileSync(stateFile(instance), 'utf8')));
    expect(pidsOf(state).every(isRunning)).toBe(true);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    for (const pid of pidsOf(state)) expect(isRunning(pid)).toBe(false);
    expect(enginesOn(motoPort, temporalPort)).toEqual([]);
    expect(fs.existsSync(stateFile(instance))).toBe(false);
  });

  it('stops what it already started when interrupted during startup', async () => {
    const instance = 'interrupted';
    used.push(instance);
    const motoPort = await freePortRun(3);
    const temporalPort = await freePort();
    const child = startCli([
      'local',
      'up',
      '--instance',
      instance,
      '--moto-port',
      String(motoPort),
      '--temporal-port',
      String(temporalPort),
    ]);
    const done = collect(child);
    await waitForOutput(child, /Starting moto/);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(enginesOn(motoPort, temporalPort)).toEqual([]);
    expect(fs.existsSync(stateFile(instance))).toBe(false);
  });

  it('cleans up after an up that was killed outright (SIGKILL) mid-start, from its journal', async () => {
    const instance = 'killed';
    used.push(instance);
    const motoPort = await freePortRun(3);
    const temporalPort = await freePort();
    const child = startCli([
      'local',
      'up',
      '--instance',
      instance,
      '--moto-port',
      String(motoPort),
      '--temporal-port',
      String(temporalPort),
    ]);
    const done = collect(child);
    await waitForOutput(child, /Starting moto/);
    child.kill('SIGKILL');
    await done;
    expect(enginesOn(motoPort, temporalPort).length).toBeGreaterThan(0);
    const r = await runCli(['local', 'down', '--instance', instance]);
    expect(r.code).toBe(0);
    expect(enginesOn(motoPort, temporalPort)).toEqual([]);
    expect(fs.existsSync(journalFile(instance))).toBe(false);
  });

  it('stops a substrate whose owner process dies, via the watchdog', async () => {
    const instance = 'owned';
    used.push(instance);
    const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
    const motoPort = await freePortRun(3);
    const temporalPort = await freePort();
    const { state } = await up({ instance, motoPort, motoLayout: 'split', temporalPort, ui: false, uiPort: 0, ownerPid: owner.pid! });
    expect(pidsOf(state).every(isRunning)).toBe(true);
    owner.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while (enginesOn(motoPort, temporalPort).length && Date.now() < deadline) await sleep(200);
    expect(enginesOn(motoPort, temporalPort)).toEqual([]);
    while (fs.existsSync(journalFile(instance)) && Date.now() < deadline) await sleep(100);
    expect(fs.existsSync(stateFile(instance))).toBe(false);
    expect(fs.existsSync(journalFile(instance))).toBe(false);
  });

  it('keeps a running substrate that is slow to answer instead of taking it down (what lives on it would be lost)', async () => {
    const instance = 'slowanswer';
    used.push(instance);
    const opts = { instance, motoLayout: 'split' as const, ui: false, uiPort: 0 };
    const { state } = await up({ ...opts, motoPort: await freePortRun(3), temporalPort: await freePort() });
    // Frozen past Temporal's 1-s connect probe, then thawed: a loaded machine, not a dead engine.
    process.kill(state.temporal.pid, 'SIGSTOP');
    const thaw = sleep(3000).then(() => process.kill(state.temporal.pid, 'SIGCONT'));
    try {
      const again = await up({ ...opts, motoPort: await freePortRun(3), temporalPort: await freePort() });
      expect(again.alreadyRunning).toBe(true);
      expect(pidsOf(again.state)).toEqual(pidsOf(state));
      expect(pidsOf(state).every(isRunning)).toBe(true);
    } finally {
      await thaw;
    }
  });

  it('keeps the shared test substrate bound to loopback', () => {
    const substrate = inject('substrate');
    for (const pid of pidsOf(substrate)) {
      expect(listeningSockets(pid).map((s) => s.address)).not.toContain('0.0.0.0');
      expect(listeningSockets(pid).every((s) => s.address === '127.0.0.1')).toBe(true);
    }
  });
});

describe('sagabench local install', () => {
  it('installs nothing when the pinned engines are already there', async () => {
    const r = await runCli(['local', 'install']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Already installed/);
  });

  it('names the missing python and leaves no half-built venv', async () => {
    const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-tools-'));
    try {
      const r = await runCli(['local', 'install'], { SAGABENCH_TOOLS_DIR: tools, SAGABENCH_PYTHON: '/nonexistent/python3' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/'\/nonexistent\/python3' was not found/);
      expect(r.stderr).toMatch(/Install Python 3/);
      expect(fs.existsSync(path.join(tools, 'venv'))).toBe(false);
    } finally {
      fs.rmSync(tools, { recursive: true, force: true });
    }
  });
});
