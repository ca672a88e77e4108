import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../shared/errors.ts';
import { VARIANTS } from '../infra/variants.ts';
import { FAULTS, faultSchema, type Fault } from './faults/catalog.ts';
import { billingOptionsSchema, DEFAULT_BILLING_OPTIONS } from './cost/model.ts';

const pct = z.number().min(0, 'must be at least 0').max(100, 'must be at most 100');

export const failuresSchema = z
  .object({
    outOfStockPct: pct.default(5),
    declinePct: pct.default(5),
    shippingFailurePct: pct.default(5),
    /** Orders whose bank or carrier fails transiently and recovers within the retry budget. */
    transientPct: pct.default(10),
    /** Orders the client submits twice (a retry); every variant must run each once. */
    duplicatePct: pct.default(2),
  })
  .strict()
  .refine((f) => f.outOfStockPct + f.declinePct + f.shippingFailurePct <= 100, {
    message: 'outOfStockPct + declinePct + shippingFailurePct must not exceed 100 (an order fails one way)',
  });

/**
 * Everything a benchmark run takes. The defaults are the README's default
 * suite: three load levels, small enough to finish in minutes on two cores.
 */
export const benchConfigSchema = z
  .object({
    variants: z
      .array(z.enum(VARIANTS))
      .min(1, 'name at least one variant')
      .refine((v) => new Set(v).size === v.length, 'a variant is named twice')
      .default([...VARIANTS]),
    orders: z.number().int('must be a whole number').min(1).max(100_000).default(60),
    warmup: z.number().int('must be a whole number').min(0).max(10_000).default(5),
    seed: z
      .number()
      .int('must be a whole number')
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    /** closed: N clients each waiting for their order; open: a fixed arrival rate, latency from each order's scheduled start. */
    loop: z.enum(['closed', 'open']).default('closed'),
    /** Concurrency (closed loop) or orders per second (open loop), one run per level. */
    levels: z
      .array(z.number().positive('must be positive').max(1000))
      .min(1, 'name at least one level')
      .max(10)
      .refine((l) => new Set(l).size === l.length, 'a level is named twice')
      .default([1, 8, 24]),
    failures: failuresSchema.default({ outOfStockPct: 5, declinePct: 5, shippingFailurePct: 5, transientPct: 10, duplicatePct: 2 }),
    /** Extra bytes of notes on each order, to vary message size (the choreography claim-checks over 8 KB). */
    payloadBytes: z.number().int().min(0).max(200_000).default(0),
    target: z.enum(['local', 'aws']).default('local'),
    /** An order not terminal this long after its start is counted lost. */
    deadlineSeconds: z.number().int().min(5).max(3600).default(120),
    /**
     * Runs of every variant and level, interleaved (A B C A B C ...), so a noisy
     * minute of a shared machine lands on every variant; figures then carry 95 %
     * bootstrap intervals over orders and repeats.
     */
    repeat: z.number().int().min(1).max(20).default(1),
    /** No-op chains per level for the substrate floor. */
    floorOrders: z.number().int().min(0).max(10_000).default(20),
    /** Re-run the scripted "add a fraud check" change per variant (about a minute each). */
    changeImpact: z.boolean().default(true),
    out: z.string().min(1).optional(),
    /** Faults to inject, each in a run of its own per variant after the normal levels. */
    faults: z
      .array(faultSchema)
      .refine((f) => new Set(f).size === f.length, 'a fault is named twice')
      .default([]),
    /** The bill's choices beyond the counts: free tier, Temporal Cloud plan, history retention (defaults in bench/cost). */
    billing: billingOptionsSchema.default(DEFAULT_BILLING_OPTIONS),
    /** The load level the fault runs use (default: the second level, or the only one). */
    faultLevel: z.number().positive().max(1000).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.loop === 'closed')
      c.levels.forEach((l, i) => {
        if (!Number.isInteger(l))
          ctx.addIssue({ code: 'custom', path: ['levels', i], message: 'a closed-loop level is a number of clients: a whole number' });
      });
  });

export type BenchConfig = z.infer<typeof benchConfigSchema>;
export type BenchConfigInput = z.input<typeof benchConfigSchema>;

/** One line per problem, each naming its field, as the CLI prints them. */
export function describeIssues(err: z.ZodError, source: string): string {
  return err.issues.map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('\n');
}

/** Reads a JSON or YAML config file; any problem is a UserError (exit 2) naming the file. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`config file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 2);
  }
  const ext = path.extname(file).toLowerCase();
  let raw: unknown;
  try {
    if (ext === '.json') raw = JSON.parse(text);
    else if (ext === '.yaml' || ext === '.yml') raw = parseYaml(text);
    else throw new UserError(`config file ${file}: use a .json, .yaml or .yml file`, 2);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`config file ${file}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`, 2);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UserError(`config file ${file}: expected a mapping of settings at the top level`, 2);
  return raw as Record<string, unknown>;
}

/** Defaults, then the file, then the flags; the result is validated as a whole. */
export function resolveConfig(
  fromFile: Record<string, unknown> | undefined,
  fromFlags: Record<string, unknown>,
  source = 'config',
): BenchConfig {
  const merged: Record<string, unknown> = { ...(fromFile ?? {}) };
  for (const [k, v] of Object.entries(fromFlags)) {
    if (v === undefined) continue;
    merged[k] = (k === 'failures' || k === 'billing') && typeof merged[k] === 'object' ? { ...(merged[k] as object), ...(v as object) } : v;
  }
  const r = benchConfigSchema.safeParse(merged);
  if (!r.success) throw new UserError(describeIssues(r.error, source), 2);
  return r.data;
}

const FAILURE_KEYS: Record<string, keyof z.input<typeof failuresSchema>> = {
  'out-of-stock': 'outOfStockPct',
  oos: 'outOfStockPct',
  decline: 'declinePct',
  declined: 'declinePct',
  shipping: 'shippingFailurePct',
  'shipping-failure': 'shippingFailurePct',
  transient: 'transientPct',
  duplicate: 'duplicatePct',
  dup: 'duplicatePct',
};

/** `out-of-stock=5,decline=5,shipping=5,transient=10,duplicate=2` (percent each; unnamed ones keep their value). */
export function parseFailureSpec(spec: string): Partial<z.input<typeof failuresSchema>> {
  const out: Record<string, number> = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z-]+)=(\d+(?:\.\d+)?)%?$/.exec(part);
    if (!m) throw new UserError(`--failures: '${part}' is not name=percent (names: ${Object.keys(FAILURE_KEYS).join(', ')})`, 2);
    const key = FAILURE_KEYS[m[1]!];
    if (!key) throw new UserError(`--failures: unknown failure '${m[1]}' (names: ${Object.keys(FAILURE_KEYS).join(', ')})`, 2);
    out[key] = Number(m[2]);
  }
  return out;
}

/** The published schema for config files, generated from the one above so the two cannot drift. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(benchConfigSchema, { io: 'input', target: 'draft-2020-12' });
}

/** `all` or a comma-separated list of fault names. */
export function parseFaultList(spec: string): Fault[] {
  const names = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'all') return [...FAULTS];
  const unknown = names.filter((n) => !(FAULTS as readonly string[]).includes(n));
  if (unknown.length || !names.length)
    throw new UserError(
      `--faults: ${unknown.length ? `unknown fault ${unknown.join(', ')}` : 'name at least one fault'} (choose from ${FAULTS.join(', ')}, or all)`,
      2,
    );
  return names as Fault[];
}
