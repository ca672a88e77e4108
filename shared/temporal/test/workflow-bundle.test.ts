import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleCacheDir, bundleKey, cachedWorkflowBundle } from '../workflow-bundle.ts';
import { installWorkerRuntime } from '../worker-connection.ts';

describe('the workflow bundle cache', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-bundle-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('keys a bundle by every project source, the lock file and the workflow path', () => {
    const root = path.join(tmp, 'root');
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    write('package-lock.json', '{"v":1}');
    write('orchestration/wf.ts', 'export const a = 1;');
    write('shared/domain/x.ts', 'export const x = 1;');
    const wf = path.join(root, 'orchestration/wf.ts');
    const k1 = bundleKey(wf, root);
    expect(bundleKey(wf, root)).toBe(k1);
    write('shared/domain/x.ts', 'export const x = 2;');
    const k2 = bundleKey(wf, root);
    expect(k2).not.toBe(k1);
    write('package-lock.json', '{"v":2}');
    const k3 = bundleKey(wf, root);
    expect(k3).not.toBe(k2);
    write('choreography/new.ts', '');
    expect(bundleKey(wf, root)).not.toBe(k3);
    expect(bundleKey(path.join(root, 'shared/domain/x.ts'), root)).not.toBe(bundleKey(wf, root));
    // A folder the workflow cannot import from, and dependencies, are not read.
    const k4 = bundleKey(wf, root);
    write('node_modules/dep/index.js', 'x');
    write('docs/readme.ts', 'x');
    expect(bundleKey(wf, root)).toBe(k4);
  });

  it('bundles once for the current sources, then serves that bundle from disk', { timeout: 120_000 }, async () => {
    const saved = process.env.SAGABENCH_TOOLS_DIR;
    process.env.SAGABENCH_TOOLS_DIR = path.join(tmp, 'tools');
    try {
      installWorkerRuntime();
      const wf = fileURLToPath(new URL('../../../orchestration/temporal/harness/floor-workflow.ts', import.meta.url));
      const first = await cachedWorkflowBundle(wf);
      expect(first.code).toMatch(/floorWorkflow|hop/);
      const files = fs.readdirSync(bundleCacheDir());
      expect(files).toEqual([`floor-workflow-${bundleKey(wf)}.js`]);
      // What the second start gets is what is on disk: mark the file and see the mark come back.
      const file = path.join(bundleCacheDir(), files[0]!);
      fs.appendFileSync(file, '\n// cached');
      expect((await cachedWorkflowBundle(wf)).code).toBe(`${first.code}\n// cached`);
      // A bundle for other sources is replaced, not kept beside the new one.
      fs.writeFileSync(path.join(bundleCacheDir(), 'floor-workflow-0000.js'), 'old');
      fs.rmSync(file);
      await cachedWorkflowBundle(wf);
      expect(fs.readdirSync(bundleCacheDir())).toEqual([files[0]]);
    } finally {
      if (saved === undefined) delete process.env.SAGABENCH_TOOLS_DIR;
      else process.env.SAGABENCH_TOOLS_DIR = saved;
    }
  });
});
