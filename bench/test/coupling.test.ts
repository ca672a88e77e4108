import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { componentGraph, PROJECT_ROOT, staticCouplingSchema, type StaticCoupling } from '../coupling/static.ts';
import { dynamicCoupling, dynamicCouplingSchema, sequentialHops, type DynamicInput } from '../coupling/dynamic.ts';
import { applyChange, changeImpactSchema, runChangeImpact } from '../coupling/change-impact.ts';
import { AnchorError, Tree } from '../../shared/variant/change.ts';
import { COUPLING_VARIANTS } from '../coupling/components.ts';
import { staticCouplingInChild, staticCouplingsInChild } from '../coupling/run.ts';
import { variantOf } from '../../infra/variants.ts';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/coupling');
const SERVICES = ['inventory', 'payments', 'shipping', 'notifications'];

const comp = (g: StaticCoupling, name: string) => {
  const c = g.components.find((x) => x.name === name);
  if (!c) throw new Error(`no component ${name} in ${g.components.map((x) => x.name).join(', ')}`);
  return c;
};
const metrics = (g: StaticCoupling, name: string) => {
  const c = comp(g, name);
  return { ca: c.afferent, ce: c.efferent, i: c.instability, contracts: c.contracts };
};

describe('static coupling on the fixture (hand-computed)', () => {
  const g = componentGraph('choreography', FIXTURE);

  it('puts each file in its component and leaves tests, infra and other variants out', () => {
    expect(staticCouplingSchema.parse(g)).toEqual(g);
    expect(g.components.map((c) => c.name)).toEqual([
      'contracts',
      'coordination',
      'domain',
      'inventory',
      'notifications',
      'orders',
      'payments',
    ]);
    expect(comp(g, 'coordination').files).toEqual(['choreography/bus.ts', 'choreography/reactions.ts']);
    const all = g.components.flatMap((c) => c.files);
    expect(all).not.toContain('choreography/test/helper.ts');
    expect(all).not.toContain('infra/thing.ts');
    expect(all).not.toContain('orchestration/temporal/workflow.ts');
    expect(g.unresolved).toEqual([]);
  });

  it('counts imports per edge, type-only ones apart, intra-component imports not at all', () => {
    expect(g.edges).toEqual([
      { from: 'coordination', to: 'contracts', imports: 2, typeOnly: 1 },
      { from: 'coordination', to: 'inventory', imports: 1, typeOnly: 0 },
      { from: 'coordination', to: 'payments', imports: 1, typeOnly: 0 },
      { from: 'inventory', to: 'domain', imports: 1, typeOnly: 1 },
      { from: 'orders', to: 'contracts', imports: 1, typeOnly: 1 },
      { from: 'orders', to: 'coordination', imports: 1, typeOnly: 0 },
      { from: 'orders', to: 'domain', imports: 1, typeOnly: 1 },
      { from: 'payments', to: 'contracts', imports: 1, typeOnly: 1 },
    ]);
  });

  it('computes Ca, Ce, instability and contracts', () => {
    expect(metrics(g, 'contracts')).toEqual({ ca: 3, ce: 0, i: 0, contracts: 8 });
    expect(metrics(g, 'domain')).toEqual({ ca: 2, ce: 0, i: 0, contracts: 0 });
    expect(metrics(g, 'inventory')).toEqual({ ca: 1, ce: 1, i: 0.5, contracts: 0 });
    expect(metrics(g, 'payments')).toEqual({ ca: 1, ce: 1, i: 0.5, contracts: 2 });
    expect(metrics(g, 'notifications')).toEqual({ ca: 0, ce: 0, i: 0, contracts: 0 });
    expect(metrics(g, 'coordination')).toEqual({ ca: 1, ce: 3, i: 0.75, contracts: 2 });
    expect(metrics(g, 'orders')).toEqual({ ca: 0, ce: 3, i: 1, contracts: 3 });
    // Imported type names and message types named in string literals ('inventory:ItemReserved').
    expect(comp(g, 'coordination').contractNames).toEqual(['Envelope', 'ItemReserved']);
    expect(comp(g, 'orders').contractNames).toEqual(['EventType', 'ItemReserved', 'PaymentTaken']);
    expect(comp(g, 'payments').externalPackages).toEqual(['zod']);
    expect(comp(g, 'coordination').externalPackages).toEqual(['@aws-sdk/client-sns']);
  });

  it('uses the other variant map on the same tree', () => {
    const t = componentGraph('temporal', FIXTURE);
    expect(t.components.map((c) => c.name)).toEqual(['contracts', 'domain', 'inventory', 'notifications', 'orchestrator', 'payments']);
    expect(metrics(t, 'orchestrator')).toEqual({ ca: 0, ce: 1, i: 1, contracts: 0 });
    expect(metrics(t, 'inventory')).toEqual({ ca: 1, ce: 1, i: 0.5, contracts: 0 });
    expect(metrics(t, 'contracts')).toEqual({ ca: 1, ce: 0, i: 0, contracts: 8 });
  });
});

describe('static coupling on the real repo', () => {
  const graphs = Object.fromEntries(COUPLING_VARIANTS.map((v) => [v, componentGraph(v)])) as Record<
    (typeof COUPLING_VARIANTS)[number],
    StaticCoupling
  >;
  const dependsOn = (g: StaticCoupling, from: string, to: string) => g.edges.some((e) => e.from === from && e.to === to);

  it.each(COUPLING_VARIANTS)('%s has the expected components and resolves every import', (v) => {
    const g = graphs[v];
    staticCouplingSchema.parse(g);
    const names = g.components.map((c) => c.name);
    // A choreography (services coordinated by their reactions) has no orchestrator, whatever its bus.
    const choreographed = variantOf(v).coupling.components.some(([, c]) => c === 'coordination');
    const expected = choreographed
      ? [...SERVICES, 'orders', 'coordination', 'contracts', 'domain']
      : [...SERVICES, 'orchestrator', 'contracts', 'domain'];
    expect(names).toEqual(expect.arrayContaining(expected));
    expect(g.unresolved).toEqual([]);
    expect(comp(g, 'contracts').efferent).toBe(0);
  });

  it.each(['stepfunctions', 'temporal'] as const)('the %s orchestrator depends on every service and nothing depends on it', (v) => {
    const g = graphs[v];
    for (const s of SERVICES) expect(dependsOn(g, 'orchestrator', s), `orchestrator -> ${s}`).toBe(true);
    expect(comp(g, 'orchestrator').afferent).toBe(0);
  });

  it.each(['choreography', 'eventbridge'] as const)('%s services do not import each other; coordination reaches all of them', (v) => {
    const g = graphs[v];
    for (const a of SERVICES) for (const b of SERVICES) if (a !== b) expect(dependsOn(g, a, b), `${a} -> ${b}`).toBe(false);
    for (const s of SERVICES) expect(dependsOn(g, 'coordination', s)).toBe(true);
    // The choreography names events as strings: its coordination refers to many message types.
    expect(comp(g, 'coordination').contractNames).toEqual(expect.arrayContaining(['InventoryReserved', 'PaymentCharged', 'DomainEvent']));
  });

  it('the harness reads the same graph through its child process (the compiler stays out of the harness)', async () => {
    expect(await staticCouplingInChild('temporal')).toEqual(graphs.temporal);
  });

  it("one child gives each variant's own graph when asked for several (the suite asks once, beside the engines' start)", async () => {
    const both = await staticCouplingsInChild(['choreography', 'stepfunctions']);
    expect([...both.keys()]).toEqual(['choreography', 'stepfunctions']);
    expect(both.get('choreography')).toEqual(graphs.choreography);
    expect(both.get('stepfunctions')).toEqual(graphs.stepfunctions);
  });
});

describe('dynamic coupling', () => {
  it('counts each PutEvents entry as one message (a call carries up to ten), as SNS counts each publish', () => {
    const d = dynamicCoupling({
      orders: 2,
      metered: [
        { service: 'events', operation: 'PutEvents', calls: 4, items: 9 },
        { service: 'events', operation: 'PutRule', calls: 6 },
      ],
      traces: [],
      channels: [],
    });
    expect(d.messages.publishes).toBe(9);
    expect(d.messagesPerOrder).toBe(4.5);
  });

  const step = (orderId: string, service: string, start: number, end: number, attempt = 1) => ({
    orderId,
    step: `${service}:x`,
    service,
    start,
    end,
    attempt,
  });
  const input: DynamicInput = {
    orders: 2,
    metered: [
      { service: 'sns', operation: 'Publish', calls: 10 },
      { service: 'sqs', operation: 'SendMessage', calls: 2 },
      { service: 'sqs', operation: 'ReceiveMessage', calls: 50 },
      { service: 'sfn', operation: 'SendTaskSuccess', calls: 3 },
      { service: 'sfn', operation: 'SendTaskFailure', calls: 1 },
      { service: 'sfn', operation: 'StartExecution', calls: 2 },
      { service: 'dynamodb', operation: 'PutItem', calls: 20 },
    ],
    traces: [
      // A: happy, span 35. orders and commit overlap other steps, so the longest chain is 4.
      step('A', 'inventory', 0, 10),
      step('A', 'orders', 12, 14),
      step('A', 'payments', 12, 20),
      step('A', 'shipping', 21, 30),
      step('A', 'notifications', 30, 35),
      step('A', 'inventory', 31, 33),
      // B: happy, span 70, purely sequential.
      step('B', 'inventory', 100, 110),
      step('B', 'payments', 110, 130),
      step('B', 'shipping', 130, 160),
      step('B', 'notifications', 160, 170),
      // C: happy, span 3.
      step('C', 'inventory', 200, 201),
      step('C', 'payments', 201, 202),
      step('C', 'notifications', 202, 203),
      // D: a retry, so not happy.
      step('D', 'inventory', 300, 301),
      step('D', 'payments', 302, 303, 2),
    ],
    channels: ['bus', 'q-inventory', 'q-payments', 'q-inventory', ''],
  };

  it('counts messages, channels, hops of the median happy order, services per order', () => {
    const d = dynamicCoupling(input);
    expect(dynamicCouplingSchema.parse(d)).toEqual(d);
    expect(d.messages).toEqual({ publishes: 10, sends: 2, taskCallbacks: 4, unmetered: 0 });
    expect(d.messagesPerOrder).toBe(8);
    expect(d.distinctChannels).toBe(3);
    // Happy by span: C (3), A (35), B (70): the median is A.
    expect(d.criticalPathOrderId).toBe('A');
    expect(d.criticalPathHops).toBe(4);
    expect(d.servicesTouchedPerOrder).toBe((5 + 4 + 3 + 2) / 4);
  });

  it('takes unmetered engine messages and explicit happy orders', () => {
    const d = dynamicCoupling({ ...input, unmeteredMessages: 4, happyOrderIds: ['C'] });
    expect(d.messagesPerOrder).toBe(10);
    expect(d.criticalPathOrderId).toBe('C');
    expect(d.criticalPathHops).toBe(3);
    expect(dynamicCoupling({ orders: 0, metered: [], traces: [], channels: [] })).toMatchObject({
      messagesPerOrder: 0,
      criticalPathHops: 0,
      criticalPathOrderId: null,
      servicesTouchedPerOrder: 0,
    });
  });

  it('counts no hop for steps that run in parallel', () => {
    expect(
      sequentialHops([
        { start: 0, end: 10 },
        { start: 1, end: 5 },
        { start: 2, end: 8 },
      ]),
    ).toBe(1);
    expect(
      sequentialHops([
        { start: 0, end: 1 },
        { start: 1, end: 2 },
        { start: 2, end: 3 },
      ]),
    ).toBe(3);
  });
});

describe('change impact', () => {
  it('adds the fraud check to temporal: compiles, and touches the expected components', { timeout: 180_000 }, async () => {
    const r = await runChangeImpact('temporal');
    changeImpactSchema.parse(r);
    expect(r.newErrors).toEqual([]);
    expect(r.compiles).toBe(true);
    expect(r.filesChanged).toBeGreaterThan(0);
    expect(r.linesAdded).toBeGreaterThan(0);
    expect(r.componentsChanged).toEqual(expect.arrayContaining(['orchestrator', 'fraud']));
    expect(r.files.map((f) => f.path)).toEqual(expect.arrayContaining(['shared/services/fraud.ts', 'orchestration/temporal/workflow.ts']));
  });

  it('throws a clear error when an anchor is gone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coupling-anchor-'));
    try {
      const root = PROJECT_ROOT;
      for (const f of [
        'shared/domain/contracts.ts',
        'shared/domain/saga.ts',
        'orchestration/tasks.ts',
        'orchestration/temporal/activities.ts',
        'orchestration/temporal/workflow.ts',
      ]) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.copyFileSync(path.join(root, f), path.join(dir, f));
      }
      const wf = path.join(dir, 'orchestration/temporal/workflow.ts');
      fs.writeFileSync(wf, fs.readFileSync(wf, 'utf8').replace("status = 'INVENTORY_RESERVED';", "status = 'RESERVED_SOMEHOW';"));
      // The edits before the workflow's are made (in a scratch copy that is thrown away); the missing anchor stops the script.
      let error: unknown;
      try {
        applyChange('temporal', dir);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(AnchorError);
      expect((error as Error).message).toMatch(
        /anchor not found in orchestration\/temporal\/workflow\.ts: .*INVENTORY_RESERVED.*update the variant.s harness\/change\.ts/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the file and the anchor, and refuses an ambiguous anchor', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coupling-anchor-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), 'const x = 1;\nconst x2 = 1;\n');
      const tree = new Tree(dir);
      expect(() => tree.replace('a.ts', 'const y', 'z')).toThrow('change-impact anchor not found in a.ts: "const y"');
      expect(() => tree.replace('a.ts', '= 1;', '= 2;')).toThrow(/found 2 times \(must be unique\) in a\.ts/);
      expect(() => tree.replace('missing.ts', 'x', 'y')).toThrow(AnchorError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
