import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFailureSpec, readConfigFile, resolveConfig } from '../config.ts';
import { flagsToConfig } from '../cli/bench.ts';
import { PUBLISHED, render } from '../schema/publish.ts';
import { UserError } from '../../shared/errors.ts';

const tmp = (name: string, text: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-config-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

const userError = (fn: () => unknown): UserError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
};

describe('bench config', () => {
  it('fills defaults: all variants, three closed-loop levels', () => {
    const c = resolveConfig(undefined, {});
    expect(c.variants).toEqual(['choreography', 'eventbridge', 'stepfunctions', 'temporal', 'lambda-durable']);
    expect(c.loop).toBe('closed');
    expect(c.levels.length).toBeGreaterThanOrEqual(3);
    expect(c.failures).toEqual({ outOfStockPct: 5, declinePct: 5, shippingFailurePct: 5, transientPct: 10, duplicatePct: 2 });
  });

  it('reads YAML and JSON files; flags override the file, failure by failure', () => {
    const yaml = tmp('b.yaml', 'orders: 12\nlevels: [2, 4]\nfailures:\n  declinePct: 20\n  transientPct: 0\n');
    const c = resolveConfig(readConfigFile(yaml), flagsToConfig({ orders: 7, failures: 'transient=3' } as never));
    expect(c.orders).toBe(7);
    expect(c.levels).toEqual([2, 4]);
    expect(c.failures.declinePct).toBe(20);
    expect(c.failures.transientPct).toBe(3);
    const json = tmp('b.json', JSON.stringify({ variants: ['temporal'], loop: 'open', levels: [2.5] }));
    expect(resolveConfig(readConfigFile(json), {})).toMatchObject({ variants: ['temporal'], loop: 'open', levels: [2.5] });
  });

  it('takes the billing choices from the file, flags overriding them one by one; the defaults are stated', () => {
    expect(resolveConfig(undefined, {}).billing).toEqual({ freeTier: false, temporalPlan: 'business', retentionDays: 30 });
    const yaml = tmp('bill.yaml', 'billing:\n  temporalPlan: developer\n  retentionDays: 7\n');
    const c = resolveConfig(readConfigFile(yaml), flagsToConfig({ freeTier: true } as never));
    expect(c.billing).toEqual({ freeTier: true, temporalPlan: 'developer', retentionDays: 7 });
    expect(resolveConfig(readConfigFile(yaml), flagsToConfig({ temporalPlan: 'business' } as never)).billing.temporalPlan).toBe('business');
  });

  it.each([
    ['unknown Temporal plan', 'b.json', '{"billing":{"temporalPlan":"gold"}}', /billing\.temporalPlan: not a Temporal Cloud plan/],
    ['retention past 90 days', 'b.json', '{"billing":{"retentionDays":365}}', /billing\.retentionDays/],
    ['unknown key', 'b.yaml', 'ordrs: 5\n', /ordrs|Unrecognized key/],
    ['wrong type', 'b.yaml', 'orders: many\n', /orders:/],
    ['out of range', 'b.json', '{"failures":{"declinePct":150}}', /failures\.declinePct: must be at most 100/],
    ['faults over 100%', 'b.json', '{"failures":{"outOfStockPct":60,"declinePct":50}}', /must not exceed 100/],
    ['fractional clients', 'b.json', '{"levels":[1.5]}', /levels\.0: a closed-loop level is a number of clients/],
    ['unknown variant', 'b.json', '{"variants":["lambda"]}', /variants\.0/],
    ['variant twice', 'b.json', '{"variants":["temporal","temporal"]}', /named twice/],
    ['broken JSON', 'b.json', '{"orders": 3', /not valid JSON/],
    ['broken YAML', 'b.yaml', 'orders: [1, 2\n', /not valid YAML/],
    ['not a mapping', 'b.yaml', '- 1\n- 2\n', /expected a mapping/],
    ['wrong extension', 'b.toml', 'orders = 3', /use a \.json, \.yaml or \.yml file/],
  ])('refuses a config file with %s, naming the field, exit 2', (_what, name, text, message) => {
    const err = userError(() => resolveConfig(readConfigFile(tmp(name, text)), {}));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
  });

  it('refuses a missing config file', () => {
    expect(userError(() => readConfigFile('/nonexistent/bench.yaml')).message).toMatch(/cannot read it \(ENOENT\)/);
  });

  it.each([
    [{ levels: '1,2', concurrency: 3 }, /--levels names every level/],
    [{ concurrency: 2, rate: 3 }, /exclude each other/],
    [{ levels: '1,x' }, /--levels: 'x' is not a positive number/],
    [{ variants: 'choreography,lambda' }, /unknown variant lambda/],
    [{ failures: 'decline' }, /is not name=percent/],
    [{ failures: 'meteor=3' }, /unknown failure 'meteor'/],
  ])('refuses flags %j', (flags, message) => {
    expect(userError(() => flagsToConfig(flags as never)).message).toMatch(message);
  });

  it('turns --rate into one open-loop level and --concurrency into one closed-loop level', () => {
    expect(resolveConfig(undefined, flagsToConfig({ rate: 2.5 } as never))).toMatchObject({ loop: 'open', levels: [2.5] });
    expect(resolveConfig(undefined, flagsToConfig({ concurrency: 6 } as never))).toMatchObject({ loop: 'closed', levels: [6] });
  });

  it('parses a failure spec with aliases and percent signs', () => {
    expect(parseFailureSpec('oos=1, decline=2%,shipping=3,transient=4,dup=5')).toEqual({
      outOfStockPct: 1,
      declinePct: 2,
      shippingFailurePct: 3,
      transientPct: 4,
      duplicatePct: 5,
    });
  });

  it('publishes schemas that match the code (run `npm run schemas` after changing either)', () => {
    for (const [file, build] of Object.entries(PUBLISHED)) {
      expect(fs.readFileSync(new URL(`../schema/${file}`, import.meta.url), 'utf8'), file).toBe(render(build()));
    }
  });
});
