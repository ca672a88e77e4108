import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { typeCheckOverlays } from '../coupling/typecheck.ts';

// A project of three files, checked as `tsc --noEmit -p` checks this one: what an edit breaks in
// a file it did not touch (an importer) must show, though the builder re-checks only what it must.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-typecheck-'));
const write = (f: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
  fs.writeFileSync(path.join(dir, f), text);
};
write(
  'tsconfig.json',
  JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      allowImportingTsExtensions: true,
      types: [],
    },
    include: ['src'],
  }),
);
write('src/a.ts', 'export const limit: number = 3;\n');
write('src/b.ts', "import { limit } from './a.ts';\nexport const doubled: number = limit * 2;\n");
write('src/c.ts', "import { doubled } from './b.ts';\nexport const total = doubled + 1;\n");
write('outside/d.ts', 'export const broken: number = "not checked: outside include";\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('type-checking edited trees over a shared base', () => {
  it('finds the errors an edit causes in the files that import it, per overlay, and none in the base', () => {
    const r = typeCheckOverlays(dir, [
      // a's export changes type: b, which did not change, no longer compiles.
      new Map([['src/a.ts', "export const limit: string = '3';\n"]]),
      // An edit that keeps every export's shape: nothing to report.
      new Map([['src/a.ts', 'export const limit: number = 4;\n']]),
      // A deleted module: its importer breaks. A new file under include is checked too.
      new Map<string, string | null>([
        ['src/a.ts', null],
        ['src/e.ts', 'export const wrong: number = "e";\n'],
      ]),
      // A new file outside include is not part of the project.
      new Map([['outside/f.ts', 'export const wrong: number = "f";\n']]),
    ]);
    expect(r.base).toEqual([]);
    expect(r.overlays[0]).toEqual([expect.stringMatching(/^src\/b\.ts: error TS2362: /)]);
    expect(r.overlays[1]).toEqual([]);
    expect(r.overlays[2]).toEqual(
      expect.arrayContaining([expect.stringMatching(/^src\/b\.ts: error TS2307: /), expect.stringMatching(/^src\/e\.ts: error TS2322: /)]),
    );
    expect(r.overlays[2]).toHaveLength(2);
    expect(r.overlays[3]).toEqual([]);
  });

  it('finds an error again in an overlay checked after one that had fixed it', () => {
    // Checked in this order, each over the one before: the error goes, then comes back in a file none of them edits.
    const r = typeCheckOverlays(dir, [
      new Map([['src/a.ts', "export const limit: string = '3';\n"]]),
      new Map([['src/a.ts', 'export const limit: number = 4;\n']]),
      new Map([['src/a.ts', "export const limit: string = '4';\n"]]),
    ]);
    expect(r.overlays[0]).toEqual([expect.stringMatching(/^src\/b\.ts: error TS2362: /)]);
    expect(r.overlays[1]).toEqual([]);
    expect(r.overlays[2]).toEqual(r.overlays[0]);
  });

  it("reports the base's own errors apart, so a change is not blamed for them", () => {
    write('src/g.ts', 'export const g: number = "already broken";\n');
    try {
      const r = typeCheckOverlays(dir, [new Map([['src/a.ts', 'export const limit: number = 5;\n']])]);
      expect(r.base).toEqual([expect.stringMatching(/^src\/g\.ts: error TS2322: Type 'string' is not assignable to type 'number'\./)]);
      expect(r.overlays[0]).toEqual(r.base);
    } finally {
      fs.rmSync(path.join(dir, 'src/g.ts'));
    }
  });
});
