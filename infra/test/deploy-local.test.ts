import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ListQueuesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients } from '../../shared/aws/clients.ts';
import { parseEvent } from '../../shared/domain/contracts.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import { connectClient } from '../../shared/temporal/connection.ts';
import { choreographyDeps } from '../../choreography/deps.ts';
import { tableReader } from '../../shared/variant/snapshot.ts';
import { findProcesses, freePort, freePortRun, isRunning } from '../../shared/engines/processes.ts';
import { readState } from '../../shared/engines/state.ts';
import { down } from '../../shared/engines/substrate.ts';
import { deploymentFile, parseDeployment, readDeployment, type Deployment } from '../deploy/record.ts';
import { HOST_SCRIPT } from '../deploy/local.ts';
import { runDeployCli } from './run-cli.ts';
import { acquireInstanceLock } from '../../shared/runtime/instance-lock.ts';

// Its own instance for the fresh-substrate case, named after the test run's so concurrent runs never meet.
const FRESH = `${process.env.SAGABENCH_TEST_INSTANCE ?? 'test'}-deploy`;

const order = (orderId: string) => ({
  orderId,
  customerId: 'cust-1',
  lines: [{ sku: 'WIDGET', qty: 2, unitPriceCents: 300 }],
  paymentToken: paymentToken('ok', 0),
  shippingAddress: address('ok'),
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function local(d: Deployment) {
  if (d.placement.target !== 'local') throw new Error('not a local deployment');
  return d.placement;
}

async function cleanup(instance: string) {
  await runDeployCli(['destroy', 'all', '--target', 'local', '--instance', instance]);
}

// Each deploy starts processes (and the first, engines) and waits for an order end to end: on a loaded
// machine that passed the 60 s default (two failures at a load average of 12).
describe('sagabench deploy/destroy --target local', () => {
  beforeAll(async () => {
    await cleanup(FRESH);
    await down(FRESH);
  });
  afterAll(async () => {
    await cleanup(FRESH);
    await down(FRESH);
  });

  it('refuses a local deploy or destroy on an instance another command holds, naming the holder, starting nothing', async () => {
    const instance = `${FRESH}-held`;
    const held = acquireInstanceLock(instance);
    try {
      for (const args of [
        ['deploy', 'choreography', '--target', 'local', '--instance', instance, '--moto-port', String(await freePortRun(3))],
        ['destroy', 'all', '--target', 'local', '--instance', instance],
      ]) {
        const r = await runDeployCli(args);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`instance '${instance}' is in use by pid ${process.pid} .*another --instance`));
        expect(readState(instance), 'no engine started').toBeUndefined();
      }
    } finally {
      held.release();
    }
  });

  it(
    'deploys the choreography on a fresh instance (starting the engines), completes an order through it, and destroy leaves no process behind',
    { timeout: 240_000 },
    async () => {
      const motoPort = await freePortRun(3);
      const temporalPort = await freePort();
      const args = [
        'deploy',
        'choreography',
        '--target',
        'local',
        '--instance',
        FRESH,
        '--moto-port',
        String(motoPort),
        '--temporal-port',
        String(temporalPort),
      ];
      const deployed = await runDeployCli([...args, '--json']);
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(deployed.stderr).toMatch(/is not running; starting it/);
      const d = parseDeployment(JSON.parse(deployed.stdout));
      const p = local(d);
      const file = deploymentFile('choreography', { target: 'local', instance: FRESH });
      expect(readDeployment('choreography', { target: 'local', instance: FRESH })).toEqual(d);
      expect(p.substrateStartedByDeploy).toBe(true);
      const substrate = readState(FRESH)!;
      const enginePids = [...substrate.moto.processes.map((m) => m.pid), substrate.temporal.pid];
      // The command returned; the host and the five service processes keep running.
      expect(isRunning(p.host!.pid)).toBe(true);
      expect(p.childPids).toHaveLength(5);
      for (const pid of p.childPids) expect(isRunning(pid)).toBe(true);
      expect(findProcesses([HOST_SCRIPT, file])).toEqual([p.host!.pid]);

      // An order placed through the deployed resources, as a client of the recorded endpoints would.
      const clients = createAwsClients({ kind: 'local', endpoints: p.endpoints });
      try {
        if (d.resources.variant !== 'choreography') throw new Error('wrong variant');
        const queues = (await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: d.prefix }))).QueueUrls ?? [];
        expect(queues.sort()).toEqual(
          Object.values(d.resources.queues)
            .flatMap((q) => [q.url, q.dlqUrl])
            .sort(),
        );
        const deps = choreographyDeps(clients, d.tables, d.resources.topicArn);
        await deps.inventory.seedStock({ WIDGET: 10 });
        const orderId = `deploy-${Date.now()}`;
        await deps.orders.placeOrder(order(orderId));
        const view = await until('the order to complete', async () => {
          const v = await deps.orders.getOrder(orderId);
          return v?.status === 'COMPLETED' ? v : undefined;
        });
        expect(view).toMatchObject({ status: 'COMPLETED', totalCents: 600 });
        expect(await tableReader(clients, d.tables).snapshot(orderId)).toMatchObject({
          reservation: 'COMMITTED',
          payment: 'CHARGED',
          shipment: 'CREATED',
        });
        const completions = d.resources.queues.completions!.url;
        const completed = await until('OrderCompleted on the completions queue', async () => {
          const r = await clients.sqs.send(
            new ReceiveMessageCommand({ QueueUrl: completions, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
          );
          for (const m of r.Messages ?? [])
            await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: completions, ReceiptHandle: m.ReceiptHandle! }));
          return (r.Messages ?? []).map((m) => parseEvent(m.Body!)).find((e) => e.orderId === orderId && e.type === 'OrderCompleted');
        });
        expect(completed.type).toBe('OrderCompleted');
      } finally {
        clients.destroy();
      }

      // A second deploy changes nothing.
      const again = await runDeployCli(args);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/already deployed locally/);
      expect(readDeployment('choreography', { target: 'local', instance: FRESH })).toEqual(d);

      const destroyed = await runDeployCli(['destroy', 'choreography', '--target', 'local', '--instance', FRESH]);
      expect(destroyed.code, destroyed.stderr).toBe(0);
      expect(destroyed.stdout).toMatch(/Destroyed the local choreography deployment/);
      for (const pid of [p.host!.pid, ...p.childPids, ...enginePids]) expect(isRunning(pid), `pid ${pid}`).toBe(false);
      expect(findProcesses([HOST_SCRIPT, file])).toEqual([]);
      expect(findProcesses(['consumer-main.ts', p.traceDir])).toEqual([]);
      expect(readState(FRESH)).toBeUndefined();
      expect(fs.existsSync(file)).toBe(false);

      const nothing = await runDeployCli(['destroy', 'choreography', '--target', 'local', '--instance', FRESH]);
      expect(nothing.code).toBe(0);
      expect(nothing.stdout).toMatch(/nothing to destroy/);
    },
  );

  it(
    'deploys Step Functions and Temporal side by side on a running substrate, runs an order through each, and destroys both without stopping the substrate',
    { timeout: 240_000 },
    async () => {
      const substrate = inject('substrate');
      const instance = substrate.instance;
      const prefix = `dl${Date.now().toString(36)}`;
      const deploy = async (variant: string) => {
        const r = await runDeployCli(['deploy', variant, '--target', 'local', '--instance', instance, '--prefix', prefix, '--json']);
        expect(r.code, r.stderr).toBe(0);
        return parseDeployment(JSON.parse(r.stdout));
      };
      const sfn = await deploy('stepfunctions');
      const tmp = await deploy('temporal');
      for (const d of [sfn, tmp]) {
        expect(local(d).substrateStartedByDeploy).toBe(false);
        expect(local(d).childPids).toHaveLength(1);
      }
      const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
      try {
        await tableReader(clients, sfn.tables).repos.inventory.seedStock({ WIDGET: 10 });
        const doc = (id: string) => ({ ...order(id), totalCents: 600 });
        if (sfn.resources.variant !== 'stepfunctions' || tmp.resources.variant !== 'temporal') throw new Error('wrong variant');
        const sfnOrder = `dsfn-${Date.now()}`;
        const { executionArn } = await clients.sfn.send(
          new StartExecutionCommand({
            stateMachineArn: sfn.resources.stateMachineArn,
            name: sfnOrder,
            input: JSON.stringify({ order: doc(sfnOrder) }),
          }),
        );
        const status = await until('the execution to end', async () => {
          const r = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
          return r.status === 'RUNNING' ? undefined : r.status;
        });
        expect(status).toBe('SUCCEEDED');
        const { client, connection } = await connectClient({ address: tmp.resources.address!, namespace: tmp.resources.namespace! });
        try {
          const tmpOrder = `dtmp-${Date.now()}`;
          const handle = await client.workflow.start('orderSaga', {
            taskQueue: tmp.resources.taskQueue,
            workflowId: tmpOrder,
            args: [doc(tmpOrder)],
          });
          expect(await handle.result()).toMatchObject({ status: 'COMPLETED' });
        } finally {
          await connection.close();
        }
      } finally {
        clients.destroy();
      }
      const destroyed = await runDeployCli(['destroy', 'all', '--target', 'local', '--instance', instance]);
      expect(destroyed.code, destroyed.stderr).toBe(0);
      for (const d of [sfn, tmp])
        for (const pid of [local(d).host!.pid, ...local(d).childPids]) expect(isRunning(pid), `pid ${pid}`).toBe(false);
      expect(findProcesses(['worker-main.ts', prefix])).toEqual([]);
      // Not started by deploy: still running for the rest of the test run.
      for (const m of substrate.moto.processes) expect(isRunning(m.pid)).toBe(true);
      expect(readDeployment('stepfunctions', { target: 'local', instance })).toBeUndefined();
      expect(readDeployment('temporal', { target: 'local', instance })).toBeUndefined();
    },
  );
});
