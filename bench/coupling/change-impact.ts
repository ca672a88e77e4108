import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { componentOf, type Variant } from './components.ts';
import { Tree, type ChangeScript } from '../../shared/variant/change.ts';
import { PROJECT_ROOT } from './static.ts';
import { REGISTRY, variantNameSchema } from '../../infra/variants.ts';

/**
 * Change impact: apply the same feature (a fraud check between reservation
 * and payment) to each variant in a scratch copy, prove it compiles, and count
 * what had to change. The scripts are anchored edits that throw when the code
 * they expect is gone (see shared/variant/change.ts).
 */
export const CHANGES: Record<Variant, ChangeScript> = Object.fromEntries(REGISTRY.map((v) => [v.name, v.coupling.change])) as Record<
  Variant,
  ChangeScript
>;

export const changeImpactSchema = z.object({
  variant: variantNameSchema,
  summary: z.string(),
  filesChanged: z.number().int().nonnegative(),
  linesAdded: z.number().int().nonnegative(),
  linesRemoved: z.number().int().nonnegative(),
  /** Components (per the variant's component map) with at least one changed file. */
  componentsChanged: z.array(z.string()),
  /** Changed files outside the map (tests, other variants' code) : counted above, in no component. */
  unmappedFiles: z.array(z.string()),
  files: z.array(z.object({ path: z.string(), added: z.number().int(), removed: z.number().int(), component: z.string().nullable() })),
  /** No tsc error that the unchanged copy does not also have. */
  compiles: z.boolean(),
  /** tsc errors the change introduced (location stripped), first 20. */
  newErrors: z.array(z.string()),
  /** Errors the unchanged copy already has (someone's work in progress): not blamed on the change. */
  baselineErrors: z.number().int().nonnegative(),
});
export type ChangeImpact = z.infer<typeof changeImpactSchema>;

/** Applies the variant's change script to the tree at `dir` (throws AnchorError when an anchor is missing). */
export function applyChange(variant: Variant, dir: string): void {
  CHANGES[variant].apply(new Tree(dir));
}

function trackedFiles(root: string): string[] {
  let out: string;
  try {
    out = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`change-impact: git ls-files failed in ${root}: ${(err as Error).message}`);
  }
  // Working-tree contents of the tracked files; a tracked file deleted in the work tree is skipped.
  return out.split('\0').filter((f) => f && fs.statSync(path.join(root, f), { throwIfNoEntry: false })?.isFile());
}

function copyFiles(root: string, files: readonly string[], into: string): void {
  for (const f of files) {
    const dst = path.join(into, f);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(path.join(root, f), dst);
  }
}

/** `git diff --no-index --numstat -z base <work>`: records are "added\tremoved\t" NUL src NUL dst NUL. */
function numstat(tmp: string, work: string): { path: string; added: number; removed: number }[] {
  let out: string;
  try {
    out = execFileSync('git', ['diff', '--no-index', '--no-ext-diff', '--numstat', '-z', 'base', work], {
      cwd: tmp,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { status?: number; stdout?: string };
    if (e.status !== 1 || typeof e.stdout !== 'string') throw err; // 1 = "there are differences"
    out = e.stdout;
  }
  const tokens = out.split('\0');
  const rows: { path: string; added: number; removed: number }[] = [];
  for (let i = 0; i + 2 < tokens.length; i += 3) {
    const [added = '0', removed = '0'] = tokens[i]!.split('\t');
    const side = tokens[i + 2] === '/dev/null' ? tokens[i + 1]! : tokens[i + 2]!;
    rows.push({ path: side.slice(side.indexOf('/') + 1), added: Number(added) || 0, removed: Number(removed) || 0 });
  }
  return rows;
}

/** One variant's change impact (see runChangeImpacts). */
export async function runChangeImpact(variant: Variant, opts: { root?: string } = {}): Promise<ChangeImpact> {
  return (await runChangeImpacts([variant], opts))[0]!;
}

/**
 * Each variant's change applied to its own scratch copy of the tracked files, diffed
 * against an unchanged copy, and every edited tree type-checked in one go
 * (typecheck.ts): the unchanged tree's errors are someone's work in progress, not
 * the change's.
 */
export async function runChangeImpacts(variants: readonly Variant[], opts: { root?: string } = {}): Promise<ChangeImpact[]> {
  const root = path.resolve(opts.root ?? PROJECT_ROOT);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-change-'));
  try {
    const files = trackedFiles(root);
    if (!files.length) throw new Error(`change-impact: no tracked files under ${root}`);
    const base = path.join(tmp, 'base');
    copyFiles(root, files, base);
    // One level up from every copy: module and @types lookup walk up and find it, and the diff never sees it.
    if (fs.existsSync(path.join(root, 'node_modules')))
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
    const edits = variants.map((variant) => {
      const name = `work-${variant}`;
      const work = path.join(tmp, name);
      copyFiles(root, files, work);
      applyChange(variant, work);
      const rows = numstat(tmp, name).map((r) => ({ ...r, component: componentOf(variant, r.path) ?? null }));
      const overlay = new Map(
        rows.map((r) => [r.path, fs.existsSync(path.join(work, r.path)) ? fs.readFileSync(path.join(work, r.path), 'utf8') : null]),
      );
      return { variant, rows, overlay };
    });
    // Loaded on use: the compiler is some 60 MB that every command importing this module (the harness, for the schema) would carry.
    const { typeCheckOverlays } = await import('./typecheck.ts');
    const checked = typeCheckOverlays(
      base,
      edits.map((e) => e.overlay),
    );
    return edits.map(({ variant, rows }, i) => {
      const known = new Map<string, number>();
      for (const e of checked.base) known.set(e, (known.get(e) ?? 0) + 1);
      const newErrors = checked.overlays[i]!.filter((e) => {
        const n = known.get(e) ?? 0;
        if (n > 0) known.set(e, n - 1);
        return n === 0;
      });
      return {
        variant,
        summary: CHANGES[variant].summary,
        filesChanged: rows.length,
        linesAdded: rows.reduce((s, r) => s + r.added, 0),
        linesRemoved: rows.reduce((s, r) => s + r.removed, 0),
        componentsChanged: [...new Set(rows.flatMap((r) => (r.component ? [r.component] : [])))].sort(),
        unmappedFiles: rows.filter((r) => !r.component).map((r) => r.path),
        files: rows,
        compiles: newErrors.length === 0,
        newErrors: newErrors.slice(0, 20),
        baselineErrors: checked.base.length,
      };
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
