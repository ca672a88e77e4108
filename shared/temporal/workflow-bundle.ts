import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { PROJECT_ROOT, toolsDir } from '../paths.ts';
import { writeFileAtomic } from '../runtime/atomic-write.ts';

/** Where a workflow's code can come from: every folder of the project's own sources. */
const SOURCE_DIRS = ['shared', 'orchestration', 'choreography', 'bench', 'infra'];
const SOURCE_FILE = /\.(ts|mts|js|mjs|json)$/;

export const bundleCacheDir = (): string => path.join(toolsDir(), 'cache', 'workflow-bundles');

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (SOURCE_FILE.test(entry.name)) yield full;
  }
}

/**
 * What the bundle is built from: the content of every project source file (the
 * workflow may import any of them), the package lock (the SDK and webpack the
 * bundle is made with) and the Node version. Any change to one gives a new key.
 */
export function bundleKey(workflowsPath: string, root = PROJECT_ROOT): string {
  const hash = crypto.createHash('sha256');
  hash.update(`${path.relative(root, workflowsPath)}\0${process.version}\0`);
  const lock = path.join(root, 'package-lock.json');
  if (fs.existsSync(lock)) hash.update(fs.readFileSync(lock));
  const files = SOURCE_DIRS.filter((d) => fs.existsSync(path.join(root, d)))
    .flatMap((d) => [...sourceFiles(path.join(root, d))])
    .sort();
  for (const f of files) hash.update(`\0${path.relative(root, f)}\0`).update(fs.readFileSync(f));
  return hash.digest('hex').slice(0, 24);
}

/**
 * The workflow's webpack bundle, built once per source state and kept on disk.
 * Worker.create with `workflowsPath` bundles on every start (about 1.8 s of CPU
 * here), and the harness starts workers for every level, floor and fault run:
 * the same bundle from the same sources each time. A worker given the cached
 * code runs exactly what it would have bundled itself.
 */
export async function cachedWorkflowBundle(workflowsPath: string): Promise<WorkflowBundle> {
  const key = bundleKey(workflowsPath);
  const name = path.basename(workflowsPath).replace(/\.[^.]+$/, '');
  const dir = bundleCacheDir();
  const file = path.join(dir, `${name}-${key}.js`);
  try {
    return { code: fs.readFileSync(file, 'utf8') };
  } catch {
    /* not built yet for these sources */
  }
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: Runtime.instance().logger });
  try {
    fs.mkdirSync(dir, { recursive: true });
    writeFileAtomic(file, code);
    // Bundles of older sources are never read again.
    for (const old of fs.readdirSync(dir))
      if (old.startsWith(`${name}-`) && old !== path.basename(file) && old.endsWith('.js')) fs.rmSync(path.join(dir, old), { force: true });
  } catch {
    /* a cache that cannot be written costs the next start a bundle, nothing else */
  }
  return { code };
}
