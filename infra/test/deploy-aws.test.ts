import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.ts';
import { checkAwsEnvironment, NO_AWS_EXIT_CODE } from '../deploy/credentials.ts';
import { runDeployCli } from './run-cli.ts';

describe('deploy/destroy --target aws without AWS credentials', () => {
  let home: string;
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let probes = 0;
  let imds: string;
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-nocreds-'));
    // Stands in for the EC2 instance metadata service: accepts and never answers, so the chain's
    // metadata probe has to time out. (This sandbox sends nothing to 169.254.169.254, the real address.)
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

  /** An empty environment: no AWS_* variable except where a test says, HOME an empty folder, records kept in it. */
  const bare = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: home,
    SAGABENCH_TOOLS_DIR: path.join(home, 'tools'),
    ...extra,
  });

  it('deploy fails fast with exit 1 and says what to configure, before synthesizing or recording anything', async () => {
    const out = path.join(home, 'cdk.out');
    const started = Date.now();
    const r = await runDeployCli(
      ['deploy', 'choreography', '--target', 'aws', '--out', out],
      bare({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds }),
      60_000,
    );
    const elapsed = Date.now() - started;
    expect(r.code, r.stderr).toBe(NO_AWS_EXIT_CODE);
    expect(r.stderr).toMatch(/No AWS credentials: the AWS credential chain found none/);
    expect(r.stderr).toMatch(/AWS_PROFILE/);
    expect(r.stderr).toMatch(/Nothing was synthesized or deployed/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    expect(probes).toBeGreaterThan(0); // the whole standard chain ran, instance metadata included
    expect(elapsed).toBeLessThan(20_000);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(path.join(home, 'tools'))).toBe(false);
  });

  it('destroy fails the same way, and the Temporal deploy checks credentials before it looks for Docker', async () => {
    const env = bare({ AWS_EC2_METADATA_DISABLED: 'true' });
    for (const args of [
      ['destroy', 'stepfunctions', '--target', 'aws'],
      ['deploy', 'temporal', '--target', 'aws'],
    ]) {
      const r = await runDeployCli([...args, '--out', path.join(home, 'cdk.out')], env, 60_000);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(NO_AWS_EXIT_CODE);
      expect(r.stderr).toMatch(/No AWS credentials/);
      expect(r.stderr).not.toMatch(/Docker/);
    }
    expect(fs.existsSync(path.join(home, 'cdk.out'))).toBe(false);
  });

  it('with credentials but no region, says so (exit 1)', async () => {
    const r = await runDeployCli(
      ['deploy', 'stepfunctions', '--target', 'aws', '--out', path.join(home, 'cdk.out')],
      bare({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLENOTREAL', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret', AWS_EC2_METADATA_DISABLED: 'true' }),
      60_000,
    );
    expect(r.code, r.stderr).toBe(NO_AWS_EXIT_CODE);
    expect(r.stderr).toMatch(/No AWS region configured/);
    expect(fs.existsSync(path.join(home, 'cdk.out'))).toBe(false);
  });

  it('synth needs no credentials: it writes the six templates to --out from an empty environment', async () => {
    const out = path.join(home, 'synth.out');
    const r = await runDeployCli(['synth', '--out', out], bare(), 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Synthesized 6 stacks/);
    for (const s of ['data', 'choreography', 'eventbridge', 'stepfunctions', 'temporal-worker', 'lambda-durable']) {
      const template = JSON.parse(fs.readFileSync(path.join(out, `sagabench-${s}.template.json`), 'utf8')) as { Resources: object };
      expect(Object.keys(template.Resources).length, s).toBeGreaterThan(0);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('refuses bad usage with exit 2 before anything starts', async () => {
    const env = bare({ AWS_EC2_METADATA_DISABLED: 'true' });
    const unknown = await runDeployCli(['deploy', 'carrier-pigeon'], env, 60_000);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/choreography, stepfunctions, temporal|Allowed choices/);
    const express = await runDeployCli(
      ['deploy', 'stepfunctions', '--target', 'local', '--state-machine-type', 'EXPRESS', '--instance', 'never-started'],
      env,
      60_000,
    );
    expect(express.code).toBe(2);
    expect(express.stderr).toMatch(/EXPRESS state machines run on AWS only/);
    expect(fs.existsSync(path.join(home, 'tools'))).toBe(false);
  });
});

describe('checkAwsEnvironment', () => {
  it('gives up after its timeout when the credential chain hangs', async () => {
    const started = Date.now();
    const err = await checkAwsEnvironment({
      provider: () => new Promise(() => undefined),
      timeoutMs: 300,
      region: async () => 'eu-west-1',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(NO_AWS_EXIT_CODE);
    expect((err as Error).message).toMatch(/found none within 0.3s/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses expired credentials, and passes with credentials and a region', async () => {
    const creds = (expiration?: Date) => async () => ({ accessKeyId: 'a', secretAccessKey: 'b', ...(expiration ? { expiration } : {}) });
    await expect(checkAwsEnvironment({ provider: creds(new Date(Date.now() - 1000)), region: async () => 'eu-west-1' })).rejects.toThrow(
      /expired/,
    );
    await expect(checkAwsEnvironment({ provider: creds(), region: async () => undefined })).rejects.toThrow(/No AWS region/);
    expect(await checkAwsEnvironment({ provider: creds(new Date(Date.now() + 3600_000)), region: async () => 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
    });
  });
});
