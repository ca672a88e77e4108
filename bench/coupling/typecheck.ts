import crypto from 'node:crypto';
import path from 'node:path';
import ts from 'typescript';

/** A variant's edited tree over the base: each changed file's new text, or null where the change deleted it. */
export type Overlay = ReadonlyMap<string, string | null>;

/**
 * Type-checks a tree and then the same tree under each overlay, as `tsc --noEmit -p
 * <dir>` would, in one process: every overlay's program reuses the base's parsed and
 * bound files, and TypeScript's own builder re-checks only the files an edit can
 * affect (the edited ones and, where an export's shape changed, their importers).
 * The overlays are checked one after another, each over the one before it that it
 * differs from least (as `tsc --watch` checks successive edits): the variants' changes
 * share most of their edits (the contracts every file imports), so after the first
 * only their differences are re-checked, not the contracts' importers five times.
 * A full tsc of this project parses 1.5 M lines of declarations (the AWS SDK and CDK)
 * and needs about 1.2 GB; once per variant, side by side on two cores, that was the
 * longest part of the default suite.
 *
 * Each error is "file: error TSxxxx: message" with the file relative to `dir` and no
 * line or column, so an edit that shifts lines does not make an old error look new.
 */
export function typeCheckOverlays(dir: string, overlays: readonly Overlay[]): { base: string[]; overlays: string[][] } {
  const configFile = path.join(dir, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configFile,
    { incremental: false, noEmit: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(`change-impact: ${configFile}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      },
    },
  );
  if (!parsed) throw new Error(`change-impact: cannot read ${configFile}`);
  const options = parsed.options;
  const base = ts.createCompilerHost(options);
  // As tsc itself parses (its default since TypeScript 5.3): no JSDoc but what a type error needs,
  // which is most of the cost of parsing the SDKs' and CDK's commented declarations.
  base.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  // Unchanged files are parsed once for every program; a SourceFile's version is its text's hash, as the builder needs.
  const cache = new Map<string, ts.SourceFile | undefined>();
  const sourceFile = (fileName: string, text: string | undefined, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions) => {
    if (text === undefined) return undefined;
    const sf = ts.createSourceFile(fileName, text, languageVersion, false);
    (sf as ts.SourceFile & { version: string }).version = crypto.createHash('sha256').update(text).digest('hex');
    return sf;
  };
  const hostFor = (overlay: Overlay | undefined): ts.CompilerHost => {
    const edited = (f: string) => (overlay ? overlay.get(path.relative(dir, path.resolve(f)).split(path.sep).join('/')) : undefined);
    return {
      ...base,
      fileExists: (f) => {
        const e = edited(f);
        return e === undefined ? base.fileExists(f) : e !== null;
      },
      readFile: (f) => {
        const e = edited(f);
        return e === undefined ? base.readFile(f) : (e ?? undefined);
      },
      getSourceFile: (f, lang) => {
        const e = edited(f);
        if (e !== undefined) return e === null ? undefined : sourceFile(f, e, lang);
        if (!cache.has(f)) cache.set(f, sourceFile(f, base.readFile(f), lang));
        return cache.get(f);
      },
    };
  };
  // The root files as tsconfig's include would find them in the edited tree: new files join, deleted ones leave.
  const rootsOf = (overlay: Overlay | undefined) => {
    if (!overlay) return parsed.fileNames;
    const roots = new Set(parsed.fileNames.map((f) => path.resolve(f)));
    for (const [rel, text] of overlay) {
      const abs = path.join(dir, rel);
      if (text === null) roots.delete(abs);
      else if (/\.(ts|tsx|mts|cts)$/.test(rel) && !rel.endsWith('.d.ts') && isIncluded(rel, parsed)) roots.add(abs);
    }
    return [...roots];
  };
  const errors = (builder: ts.SemanticDiagnosticsBuilderProgram): string[] => {
    const diagnostics = [
      ...builder.getConfigFileParsingDiagnostics(),
      ...builder.getOptionsDiagnostics(),
      ...builder.getGlobalDiagnostics(),
      ...builder.getSyntacticDiagnostics(),
      ...builder.getSemanticDiagnostics(),
    ];
    return diagnostics
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map((d) => {
        const where = d.file ? `${path.relative(dir, d.file.fileName).split(path.sep).join('/')}: ` : '';
        return `${where}error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]}`;
      });
  };
  const program = (overlay: Overlay | undefined, old?: ts.SemanticDiagnosticsBuilderProgram) =>
    ts.createSemanticDiagnosticsBuilderProgram(rootsOf(overlay), options, hostFor(overlay), old, parsed.errors);
  let previous = program(undefined);
  const baseErrors = errors(previous);
  const results: string[][] = [];
  for (const i of checkingOrder(overlays)) {
    previous = program(overlays[i], previous);
    results[i] = errors(previous);
  }
  return { base: baseErrors, overlays: overlays.map((_, i) => results[i]!) };
}

/** Files whose text differs between two overlays of the same base. */
function distance(a: Overlay, b: Overlay): number {
  let n = 0;
  for (const f of new Set([...a.keys(), ...b.keys()])) if (a.get(f) !== b.get(f)) n++;
  return n;
}

/** The overlays' indices, each next the one least different from the last (greedy, from the base). */
function checkingOrder(overlays: readonly Overlay[]): number[] {
  const left = new Set(overlays.keys());
  const order: number[] = [];
  let last: Overlay = new Map();
  while (left.size) {
    let best = -1;
    for (const i of left) if (best < 0 || distance(last, overlays[i]!) < distance(last, overlays[best]!)) best = i;
    left.delete(best);
    order.push(best);
    last = overlays[best]!;
  }
  return order;
}

/** Whether tsconfig's include (directories here) and exclude take a file that the edit created. */
function isIncluded(rel: string, parsed: ts.ParsedCommandLine): boolean {
  const specs = (parsed.raw as { include?: string[]; exclude?: string[] } | undefined) ?? {};
  const under = (p: string) => rel === p || rel.startsWith(`${p.replace(/\/$/, '')}/`);
  return (specs.include ?? ['.']).some((p) => p === '.' || p === '**/*' || under(p)) && !(specs.exclude ?? []).some(under);
}
