import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { createAwsClients, LOCAL_ACCOUNT, type AwsClients } from '../../../shared/aws/clients.ts';
import { watchEndedExecutions, type EndedExecution } from '../harness/ended-executions.ts';
import { failureOf, recordedStatusIn } from '../harness/target.ts';
import { watchDescribedExecutions } from '../harness/described-executions.ts';

const role = `arn:aws:iam::${LOCAL_ACCOUNT}:role/sagabench-local`;
const createMachine = async (clients: AwsClients, name: string, definition: object): Promise<string> =>
  (await clients.sfn.send(new CreateStateMachineCommand({ name, roleArn: role, definition: JSON.stringify(definition) }))).stateMachineArn!;
/** Waits 30 s when its input says `wait`, ends at once otherwise. */
const WAIT_OR_PASS = {
  StartAt: 'C',
  States: {
    C: { Type: 'Choice', Choices: [{ Variable: '$.wait', BooleanEquals: true, Next: 'W' }], Default: 'P' },
    W: { Type: 'Wait', Seconds: 30, End: true },
    P: { Type: 'Pass', End: true },
  },
};

describe('ended executions: pushed by the launcher, polled where it is not served', () => {
  const substrate = inject('substrate');
  let clients: AwsClients;
  let waitArn: string;
  let passArn: string;
  beforeAll(async () => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    const tag = Date.now();
    const machine = (name: string, definition: object) => createMachine(clients, name, definition);
    // Ends with what the saga's last recordStatus task leaves in its output.
    passArn = await machine(`ended-pass-${tag}`, {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Result: { status: 'CANCELLED' }, ResultPath: '$.r.recordStatus', End: true } },
    });
    waitArn = await machine(`ended-wait-${tag}`, { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 30, End: true } } });
  });
  afterAll(() => clients.destroy());

  async function run(pushEndpoint: string, pushed: boolean): Promise<number> {
    const listed = clients.meter.get('sfn', 'ListExecutions')?.calls ?? 0;
    const tag = `${Date.now()}-${pushEndpoint.length}`;
    const names = Array.from({ length: 12 }, (_, i) => `e-${tag}-${i}`);
    const ended = new Map<string, EndedExecution>();
    const watchers = [passArn, waitArn].map((arn) =>
      watchEndedExecutions(clients.sfn, arn, {
        pushEndpoint,
        awaited: () => [...names, `stopped-${tag}`].filter((n) => !ended.has(n)),
        onEnded: (e) => void ended.set(e.name, e),
      }),
    );
    const started = Date.now();
    try {
      // Two ended before the watcher could have seen them start; the rest while it waits.
      for (const name of names) await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: passArn, name, input: '{}' }));
      const { executionArn } = await clients.sfn.send(
        new StartExecutionCommand({ stateMachineArn: waitArn, name: `stopped-${tag}`, input: '{}' }),
      );
      await clients.sfn.send(new StopExecutionCommand({ executionArn }));
      const deadline = Date.now() + 15_000;
      while (ended.size < names.length + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      for (const w of watchers) await w.stop();
    }
    expect([...ended.keys()].sort()).toEqual([...names, `stopped-${tag}`].sort());
    for (const name of names) expect(ended.get(name)).toMatchObject({ status: 'SUCCEEDED', stateMachineArn: passArn });
    // The push carries a succeeded execution's output, so the harness needs no read for the order's status; a listing has none.
    for (const name of names) {
      const e = ended.get(name)!;
      if (pushed) expect(JSON.parse(e.output!)).toEqual({ r: { recordStatus: { status: 'CANCELLED' } } });
      else expect(e.output).toBeUndefined();
      expect(recordedStatusIn(e.output)).toBe(pushed ? 'CANCELLED' : undefined);
    }
    expect(ended.get(`stopped-${tag}`)!.output).toBeUndefined();
    expect(ended.get(`stopped-${tag}`)).toMatchObject({ status: 'ABORTED', stateMachineArn: waitArn });
    for (const e of ended.values()) {
      expect(e.stopDate.getTime()).toBeGreaterThanOrEqual(started - 1000);
      expect(e.stopDate.getTime()).toBeLessThanOrEqual(Date.now());
    }
    return (clients.meter.get('sfn', 'ListExecutions')?.calls ?? 0) - listed;
  }

  it('hands over every end of its own state machine once, an aborted one too, from the launcher’s push', async () => {
    // Every end came pushed, none awaited for RECONCILE_MS: no listing of the state machine's executions.
    expect(await run(substrate.moto.endpoints.sfn, true)).toBe(0);
  });

  it('falls back to listing executions when the push is not served', async () => {
    expect(await run('http://127.0.0.1:9', false)).toBeGreaterThan(0);
  });
});

describe('the reconciling listing beside the push', () => {
  const substrate = inject('substrate');

  it('lists only once an awaited execution is overdue, however long ends keep arriving', async () => {
    const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    const tag = Date.now();
    const arn = await createMachine(clients, `reconcile-${tag}`, WAIT_OR_PASS);
    const listings = () => clients.meter.get('sfn', 'ListExecutions')?.calls ?? 0;
    const awaited = new Set<string>();
    const watcher = watchEndedExecutions(clients.sfn, arn, {
      pushEndpoint: substrate.moto.endpoints.sfn,
      reconcileMs: 1500,
      awaited: () => [...awaited],
      onEnded: (e) => void awaited.delete(e.name),
    });
    try {
      // Short executions for several reconcile intervals, two in flight (so one is awaited whenever
      // an end arrives), each awaited briefly: the push brings every end and nothing is listed.
      const before = listings();
      const start = async (i: number) => {
        const name = `short-${tag}-${i}`;
        awaited.add(name);
        await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: '{"wait":false}' }));
        return name;
      };
      let previous = await start(0);
      const until = Date.now() + 5000;
      for (let i = 1; Date.now() < until; i++) {
        const next = await start(i);
        const deadline = Date.now() + 5000;
        while (awaited.has(previous) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(awaited.has(previous), previous).toBe(false);
        previous = next;
      }
      expect(listings() - before).toBe(0);
      // One that runs on past the interval is overdue: the listing looks for a missed end.
      const long = `long-${tag}`;
      awaited.add(long);
      await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: long, input: '{"wait":true}' }));
      const deadline = Date.now() + 15_000;
      while (listings() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(listings() - before).toBeGreaterThan(0);
    } finally {
      await watcher.stop();
      clients.destroy();
    }
  });
});

describe("why an execution ended as no order's outcome", () => {
  const substrate = inject('substrate');
  it('is its error and cause, as the engine describes them', async () => {
    const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    try {
      const tag = Date.now();
      const failArn = await createMachine(clients, `ended-fail-${tag}`, {
        StartAt: 'F',
        States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'the saga gave up' } },
      });
      const failed = (await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: failArn, name: `f-${tag}` }))).executionArn!;
      const deadline = Date.now() + 15_000;
      while ((await clients.sfn.send(new DescribeExecutionCommand({ executionArn: failed }))).status === 'RUNNING' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(await failureOf(clients, failed)).toBe('Boom: the saga gave up');
      expect(await failureOf(clients, `${failed}-none`)).toMatch(/^its error could not be read \(/);
    } finally {
      clients.destroy();
    }
  });
});

describe('the status in a pushed output', () => {
  it('is the terminal status the last recordStatus answered, and nothing else', () => {
    expect(recordedStatusIn('{"order":{},"r":{"recordStatus":{"status":"COMPLETED"}}}')).toBe('COMPLETED');
    expect(recordedStatusIn('{"r":{"recordStatus":{"status":"PENDING"}}}')).toBeUndefined();
    expect(recordedStatusIn('{"r":{"recordStatus":{"status":"NOT_A_STATUS"}}}')).toBeUndefined();
    expect(recordedStatusIn('{"r":{}}')).toBeUndefined();
    expect(recordedStatusIn('null')).toBeUndefined();
    expect(recordedStatusIn('not json')).toBeUndefined();
    expect(recordedStatusIn(undefined)).toBeUndefined();
  });
});

// The watcher `bench --target aws` uses: DescribeExecution of each execution the run started, paced.
// Against moto's own DescribeExecution; the pacing itself is tested in lambda-durable's test of the
// same loop (shared/variant/paced-ends.ts).
describe('ended executions by paced DescribeExecution', () => {
  const substrate = inject('substrate');

  it('hands each started execution over once with its stop date, an aborted one too, and leaves a running one and an unstarted one awaited', async () => {
    const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    const tag = Date.now();
    const stateMachineArn = await createMachine(clients, `described-${tag}`, WAIT_OR_PASS);
    const arns = new Map<string, string>();
    const ended = new Map<string, EndedExecution>();
    const names = [...Array.from({ length: 5 }, (_, i) => `d-${tag}-${i}`), `stopped-${tag}`, `running-${tag}`];
    const watcher = watchDescribedExecutions(clients.sfn, {
      // `unstarted` has no ARN yet: it is not described.
      awaited: () => [...names, `unstarted-${tag}`].filter((n) => !ended.has(n)),
      arnOf: (name) => arns.get(name),
      onEnded: (e) => {
        expect(ended.has(e.name), `${e.name} handed over twice`).toBe(false);
        ended.set(e.name, e);
      },
    });
    const started = Date.now();
    try {
      for (const name of names) {
        const wait = name.startsWith('stopped') || name.startsWith('running');
        const r = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ wait }) }));
        arns.set(name, r.executionArn!);
      }
      await clients.sfn.send(new StopExecutionCommand({ executionArn: arns.get(`stopped-${tag}`)! }));
      const deadline = Date.now() + 15_000;
      while (ended.size < names.length - 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // Another round or two: the running one is asked again and stays awaited.
      await new Promise((r) => setTimeout(r, 1200));
    } finally {
      await watcher.stop();
      await clients.sfn.send(new StopExecutionCommand({ executionArn: arns.get(`running-${tag}`)! })).catch(() => undefined);
    }
    expect([...ended.keys()].sort()).toEqual(names.filter((n) => !n.startsWith('running')).sort());
    expect(ended.get(`stopped-${tag}`)).toMatchObject({ status: 'ABORTED' });
    for (const n of names.filter((n) => n.startsWith('d-'))) expect(ended.get(n)).toMatchObject({ status: 'SUCCEEDED', stateMachineArn });
    for (const e of ended.values()) {
      expect(e.stopDate.getTime()).toBeGreaterThanOrEqual(started - 1000);
      expect(e.stopDate.getTime()).toBeLessThanOrEqual(Date.now());
    }
    // Never a listing: each execution is described by its ARN.
    expect(clients.meter.get('sfn', 'ListExecutions')).toBeUndefined();
    expect(clients.meter.get('sfn', 'DescribeExecution')?.calls).toBeGreaterThanOrEqual(names.length);
    clients.destroy();
  });
});
