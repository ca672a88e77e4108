import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';
import { ContractError, parseCommand, parseEvent, parsePlaceOrder } from '../../shared/domain/contracts.ts';
import { readConfigFile, resolveConfig } from '../config.ts';
import { UserError } from '../../shared/errors.ts';
import { journalFile, stateFile } from '../../shared/paths.ts';
import { lockFile } from '../../shared/runtime/instance-lock.ts';

/**
 * Bad input at every edge, one table: each case names the edge, the input and
 * what the user must be told. Commands must exit non-zero (2 for bad input)
 * and start nothing; parsers must refuse with an error that names the field.
 */
type Case = { edge: string; name: string; run: () => Promise<{ code?: number; message: string }>; expect: RegExp; code?: number };

const cli =
  (...args: string[]) =>
  async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    const out = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (errors.push(String(s)), true));
    // A command may set the exit code as a CLI would; the lane's one worker (vitest.config.ts) runs other files after this one.
    const exitCode = process.exitCode;
    try {
      const code = await main(['node', 'sagabench', ...args]);
      return { code, message: errors.join('\n') };
    } finally {
      spy.mockRestore();
      out.mockRestore();
      process.exitCode = exitCode;
    }
  };

const tmpFile = (name: string, text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-bad-')), name);
  fs.writeFileSync(file, text);
  return file;
};
const config = (name: string, text: string) => async () => {
  try {
    resolveConfig(readConfigFile(tmpFile(name, text)), {});
    return { message: 'accepted' };
  } catch (err) {
    return { code: (err as UserError).exitCode, message: (err as Error).message };
  }
};
const refused = (fn: () => unknown) => async () => {
  try {
    fn();
    return { message: 'accepted' };
  } catch (err) {
    if (!(err instanceof ContractError)) throw err;
    return { message: err.message };
  }
};

const ORDER = {
  customerId: 'c1',
  lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 100 }],
  paymentToken: 'card:ok:0',
  shippingAddress: 'addr:ok:0',
};
const line = (l: Record<string, unknown>) => ({ ...ORDER, lines: [{ ...ORDER.lines[0], ...l }] });
const EVENT = {
  messageId: randomUUID(),
  version: 1,
  orderId: 'o1',
  correlationId: 'o1',
  causationId: 'o1',
  occurredAt: new Date().toISOString(),
  producer: 'inventory',
  type: 'InventoryReserved',
  payload: { reservationId: 'r1' },
};

const CASES: Case[] = [
  // The command line: exit 2, nothing started.
  { edge: 'cli', name: 'unknown command', run: cli('benchmark'), expect: /unknown command/, code: 2 },
  { edge: 'cli', name: 'unknown flag', run: cli('bench', '--order', '5'), expect: /unknown option/, code: 2 },
  { edge: 'cli', name: 'orders not a number', run: cli('bench', '--orders', 'ten'), expect: /'ten' is not an integer/, code: 2 },
  { edge: 'cli', name: 'orders zero', run: cli('bench', '--orders', '0'), expect: /outside 1\.\.100000/, code: 2 },
  { edge: 'cli', name: 'negative warmup', run: cli('bench', '--warmup', '-1'), expect: /outside 0\.\.10000/, code: 2 },
  { edge: 'cli', name: 'unknown variant', run: cli('bench', '--variants', 'lambda'), expect: /unknown variant lambda/, code: 2 },
  {
    edge: 'cli',
    name: 'unknown Temporal Cloud plan',
    run: cli('bench', '--temporal-plan', 'gold'),
    expect: /--temporal-plan <plan>' argument 'gold' is invalid/,
    code: 2,
  },
  { edge: 'cli', name: 'retention past 90 days', run: cli('bench', '--retention-days', '365'), expect: /outside 1\.\.90/, code: 2 },
  {
    edge: 'cli',
    name: 'rate and concurrency together',
    run: cli('bench', '--rate', '2', '--concurrency', '3'),
    expect: /exclude each other/,
    code: 2,
  },
  { edge: 'cli', name: 'levels with a zero', run: cli('bench', '--levels', '1,0'), expect: /'0' is not a positive number/, code: 2 },
  { edge: 'cli', name: 'bad failure spec', run: cli('bench', '--failures', 'decline=abc'), expect: /is not name=percent/, code: 2 },
  {
    edge: 'cli',
    name: 'failure over 100 %',
    run: cli('bench', '--failures', 'decline=150'),
    expect: /failures\.declinePct: must be at most 100/,
    code: 2,
  },
  { edge: 'cli', name: 'unknown fault', run: cli('bench', '--faults', 'meteor'), expect: /unknown fault meteor/, code: 2 },
  { edge: 'cli', name: 'unknown target', run: cli('bench', '--target', 'azure'), expect: /Allowed choices are local, aws/, code: 2 },
  {
    edge: 'cli',
    name: 'missing config file',
    run: cli('bench', '--config', '/nonexistent.yaml'),
    expect: /cannot read it \(ENOENT\)/,
    code: 2,
  },
  {
    edge: 'cli',
    name: 'fractional closed-loop level',
    run: cli('bench', '--levels', '1.5'),
    expect: /a closed-loop level is a number of clients/,
    code: 2,
  },
  { edge: 'cli', name: '--duration without --rate', run: cli('bench', '--duration', '10'), expect: /--duration needs --rate/, code: 2 },
  { edge: 'cli', name: '--duration not a time', run: cli('bench', '--rate', '2', '--duration', '0'), expect: /--duration: '0'/, code: 2 },
  // --out is proven writable before any engine starts (the engines' state file would exist otherwise).
  {
    edge: 'cli',
    name: 'unwritable --out',
    run: cli('bench', '--instance', 'out-check', '--out', '/proc/sagabench-out'),
    expect: /^sagabench: --out \/proc\/sagabench-out: cannot write there \(\w+\)/,
    code: 2,
  },
  {
    edge: 'cli',
    name: '--out is a file',
    run: cli('bench', '--instance', 'out-check', '--out', tmpFile('not-a-folder', 'x')),
    expect: /--out .*not-a-folder is a file, not a folder/,
    code: 2,
  },
  // Config files: types, ranges, unknown keys.
  { edge: 'config', name: 'unknown key', run: config('c.yaml', 'ordrs: 5\n'), expect: /ordrs/, code: 2 },
  { edge: 'config', name: 'string for a number', run: config('c.json', '{"seed":"x"}'), expect: /seed:/, code: 2 },
  { edge: 'config', name: 'negative orders', run: config('c.json', '{"orders":-3}'), expect: /orders:/, code: 2 },
  {
    edge: 'config',
    name: 'unknown failure key',
    run: config('c.yaml', 'failures:\n  meteorPct: 3\n'),
    expect: /meteorPct|Unrecognized key/,
    code: 2,
  },
  { edge: 'config', name: 'fault named twice', run: config('c.json', '{"faults":["crash","crash"]}'), expect: /named twice/, code: 2 },
  { edge: 'config', name: 'truncated JSON', run: config('c.json', '{"orders": '), expect: /not valid JSON/, code: 2 },
  { edge: 'config', name: 'a list at the top', run: config('c.yaml', '- orders\n'), expect: /expected a mapping/, code: 2 },
  // PlaceOrder at the edge: refused before anything is written, naming the field.
  { edge: 'order', name: 'empty lines', run: refused(() => parsePlaceOrder({ ...ORDER, lines: [] })), expect: /lines.*at least one line/ },
  { edge: 'order', name: 'zero quantity', run: refused(() => parsePlaceOrder(line({ qty: 0 }))), expect: /lines\.0\.qty.*at least 1/ },
  { edge: 'order', name: 'negative quantity', run: refused(() => parsePlaceOrder(line({ qty: -2 }))), expect: /lines\.0\.qty/ },
  {
    edge: 'order',
    name: 'fractional quantity',
    run: refused(() => parsePlaceOrder(line({ qty: 1.5 }))),
    expect: /lines\.0\.qty.*whole number/,
  },
  { edge: 'order', name: 'malformed SKU', run: refused(() => parsePlaceOrder(line({ sku: 'bad sku!' }))), expect: /lines\.0\.sku/ },
  {
    edge: 'order',
    name: 'price overflow',
    run: refused(() => parsePlaceOrder(line({ unitPriceCents: 2 ** 60 }))),
    expect: /lines\.0\.unitPriceCents/,
  },
  { edge: 'order', name: 'fractional cents', run: refused(() => parsePlaceOrder(line({ unitPriceCents: 10.5 }))), expect: /whole cents/ },
  {
    edge: 'order',
    name: 'huge order (too many lines)',
    run: refused(() =>
      parsePlaceOrder({ ...ORDER, lines: Array.from({ length: 101 }, (_, i) => ({ sku: `S${i}`, qty: 1, unitPriceCents: 1 })) }),
    ),
    expect: /lines/,
  },
  {
    edge: 'order',
    name: 'same SKU twice',
    run: refused(() => parsePlaceOrder({ ...ORDER, lines: [ORDER.lines[0], ORDER.lines[0]] })),
    expect: /each SKU may appear on one line only/,
  },
  {
    edge: 'order',
    name: 'bad payment token',
    run: refused(() => parsePlaceOrder({ ...ORDER, paymentToken: 'visa' })),
    expect: /paymentToken/,
  },
  {
    edge: 'order',
    name: 'unknown field',
    run: refused(() => parsePlaceOrder({ ...ORDER, coupon: 'FREE' })),
    expect: /coupon|Unrecognized key/,
  },
  // Messages on a queue: each refused as a contract error (which sends it to the DLQ).
  { edge: 'message', name: 'not JSON', run: refused(() => parseEvent('{"type":')), expect: /not valid JSON|JSON/ },
  {
    edge: 'message',
    name: 'unknown event type',
    run: refused(() => parseEvent(JSON.stringify({ ...EVENT, type: 'OrderTeleported' }))),
    expect: /type/,
  },
  {
    edge: 'message',
    name: 'wrong contract version',
    run: refused(() => parseEvent(JSON.stringify({ ...EVENT, version: 99 }))),
    expect: /version/,
  },
  {
    edge: 'message',
    name: 'missing metadata',
    run: refused(() => parseEvent(JSON.stringify({ ...EVENT, messageId: undefined }))),
    expect: /messageId/,
  },
  {
    edge: 'message',
    name: 'payload of another event',
    run: refused(() => parseEvent(JSON.stringify({ ...EVENT, payload: { amountCents: 5 } }))),
    expect: /payload/,
  },
  // Results files given to `report`: exit 2 with the problem named.
  { edge: 'report', name: 'missing results file', run: cli('report', '/nonexistent/results.json'), expect: /no such file/, code: 2 },
  {
    edge: 'report',
    name: 'results not JSON',
    run: cli('report', tmpFile('results.json', '{"schemaVersion": 2,')),
    expect: /not valid JSON at line 1/,
    code: 2,
  },
  {
    edge: 'report',
    name: 'results of another schema version',
    run: cli('report', tmpFile('results.json', '{"schemaVersion": 1}')),
    expect: /schemaVersion 1 is not supported by this sagabench \(reads 2 and 3\)/,
    code: 2,
  },
  {
    edge: 'report',
    name: 'results of the right version but wrong shape',
    run: cli('report', tmpFile('results.json', '{"schemaVersion": 2, "variants": 3}')),
    expect: /not a valid sagabench results file/,
    code: 2,
  },
  {
    edge: 'message',
    name: 'command that is not a command',
    run: refused(() => parseCommand(JSON.stringify(EVENT))),
    expect: /type|command/,
  },
];

describe('bad input at every edge', () => {
  afterEach(() => vi.restoreAllMocks());
  it('has at least 30 cases across the edges', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.edge))).toEqual(new Set(['cli', 'config', 'order', 'message', 'report']));
  });
  it.each(CASES.map((c) => [`${c.edge}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const r = await c.run();
    expect(r.message).not.toBe('accepted');
    expect(r.message).toMatch(c.expect);
    if (c.code !== undefined) expect(r.code).toBe(c.code);
  });
  it('the refused --out cases started nothing: no engine state, journal or lock for their instance', () => {
    for (const file of [stateFile('out-check'), journalFile('out-check'), lockFile('out-check')])
      expect(fs.existsSync(file), file).toBe(false);
  });
});
