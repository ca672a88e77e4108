import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire, isBuiltin } from 'node:module';
import type * as TS from 'typescript';
import { z } from 'zod';
import { CONTRACTS_FILE, componentOf, isExcluded, type Variant } from './components.ts';
import { variantNameSchema } from '../../infra/variants.ts';

/**
 * Static coupling of one variant, read from the code with the TypeScript
 * compiler API: each file is parsed (ts.createSourceFile) and every module
 * specifier (import/export ... from, import(), import = require) is resolved
 * with ts.resolveModuleName under the project's NodeNext settings, so what
 * counts is what the compiler would load, not what a regex thinks it sees.
 * No type checking: a full Program costs seconds and resolution needs none.
 */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const count = z.number().int().nonnegative();

export const staticCouplingSchema = z.object({
  variant: variantNameSchema,
  components: z.array(
    z.object({
      name: z.string(),
      files: z.array(z.string()),
      /** Ca: other components with at least one import into this one. */
      afferent: count,
      /** Ce: other components this one imports from. */
      efferent: count,
      /** Ce / (Ca + Ce); 0 when both are 0. */
      instability: z.number().min(0).max(1),
      /** Distinct contract names referenced (see contractVocabulary). */
      contracts: count,
      contractNames: z.array(z.string()),
      /** npm packages imported (node builtins left out). */
      externalPackages: z.array(z.string()),
    }),
  ),
  /** Component-to-component imports; `imports` counts import/export declarations, `typeOnly` those that are `import type`. */
  edges: z.array(z.object({ from: z.string(), to: z.string(), imports: count, typeOnly: count })),
  /** Relative specifiers the compiler could not resolve: a sign the graph is missing something. */
  unresolved: z.array(z.string()),
});
export type StaticCoupling = z.infer<typeof staticCouplingSchema>;

/**
 * The compiler is loaded on first use: this module's schema is part of every
 * results file, so every command imports it, but only the coupling analysis
 * parses anything, and a bench would otherwise carry the whole compiler in
 * memory through all its load levels.
 */
let compiler: typeof TS | undefined;
const ts = new Proxy({} as typeof TS, {
  get: (_, name) => (compiler ??= createRequire(import.meta.url)('typescript') as typeof TS)[name as keyof typeof TS],
});

let options: TS.CompilerOptions | undefined;
const compilerOptions = (): TS.CompilerOptions =>
  (options ??= {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
  });

interface ModuleRef {
  specifier: string;
  typeOnly: boolean;
  /** Names imported or re-exported from the module (the original name, before `as`). */
  names: string[];
}

/** Every module reference in a file, with the names it takes. */
function moduleRefs(sf: TS.SourceFile): ModuleRef[] {
  const refs: ModuleRef[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : [];
      const names = named.map((e) => (e.propertyName ?? e.name).text);
      if (clause?.name) names.push('default');
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && named.length > 0 && named.every((e) => e.isTypeOnly)));
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly, names });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : [];
      refs.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: node.isTypeOnly,
        names: named.map((e) => (e.propertyName ?? e.name).text),
      });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      refs.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly, names: [] });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      refs.push({ specifier: node.arguments[0].text, typeOnly: false, names: [] });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      refs.push({ specifier: node.argument.literal.text, typeOnly: true, names: [] });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/** Text of every string literal and plain template in the file. */
function stringLiterals(sf: TS.SourceFile): string[] {
  const out: string[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const unwrap = (e: TS.Expression): TS.Expression =>
  ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e) ? unwrap(e.expression) : e;

/**
 * The contract vocabulary of the contracts module, from its AST:
 *  - exported types and interfaces (DomainEvent, OrderDocument, ServiceName, ...),
 *  - exported consts named *Schema / *Schemas (the zod schemas),
 *  - the message types: the keys of every exported `*Schemas` object literal
 *    (eventSchemas -> OrderPlaced, ...; commandSchemas -> ChargePayment, ...).
 * Functions, classes and plain constants (parseEvent, ContractError, LIMITS) are
 * helpers around the contracts, not contracts, and do not count.
 */
export function contractVocabulary(sf: TS.SourceFile): { names: Set<string>; messageTypes: Set<string> } {
  const names = new Set<string>();
  const messageTypes = new Set<string>();
  const exported = (n: TS.Node) => ts.canHaveModifiers(n) && !!ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const st of sf.statements) {
    if ((ts.isTypeAliasDeclaration(st) || ts.isInterfaceDeclaration(st)) && exported(st)) names.add(st.name.text);
    if (ts.isVariableStatement(st) && exported(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !/Schemas?$/.test(d.name.text)) continue;
        names.add(d.name.text);
        const init = d.initializer && unwrap(d.initializer);
        if (d.name.text.endsWith('Schemas') && init && ts.isObjectLiteralExpression(init)) {
          for (const p of init.properties)
            if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) messageTypes.add(p.name.text);
        }
      }
    }
  }
  for (const t of messageTypes) names.add(t);
  return { names, messageTypes };
}

/** Every .ts file under root (no node_modules, no dot folders, nothing the map always excludes). */
function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const abs = path.join(dir, e.name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (e.isDirectory()) {
        if (!isExcluded(`${rel}/`)) walk(abs);
      } else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk(root);
  return out.sort();
}

const packageName = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * The component graph of `variant` under `root`. Ca and Ce count components,
 * not files: with a handful of components that reads directly as "who depends
 * on whom", and imports inside a component are not coupling between components.
 */
export function componentGraph(variant: Variant, root: string = PROJECT_ROOT): StaticCoupling {
  root = path.resolve(root);
  const files = listFiles(root).filter((f) => componentOf(variant, f) !== undefined);
  const parse = (rel: string) => ts.createSourceFile(rel, fs.readFileSync(path.join(root, rel), 'utf8'), ts.ScriptTarget.ES2022, true);

  const contractsAbs = path.join(root, CONTRACTS_FILE);
  const vocabulary = fs.existsSync(contractsAbs)
    ? contractVocabulary(parse(CONTRACTS_FILE))
    : { names: new Set<string>(), messageTypes: new Set<string>() };

  interface Acc {
    files: string[];
    out: Set<string>;
    in: Set<string>;
    contracts: Set<string>;
    external: Set<string>;
  }
  const comps = new Map<string, Acc>();
  const acc = (name: string) => {
    let a = comps.get(name);
    if (!a) comps.set(name, (a = { files: [], out: new Set(), in: new Set(), contracts: new Set(), external: new Set() }));
    return a;
  };
  const edges = new Map<string, { from: string; to: string; imports: number; typeOnly: number }>();
  const unresolved: string[] = [];

  for (const rel of files) {
    const from = componentOf(variant, rel)!;
    const a = acc(from);
    a.files.push(rel);
    const sf = parse(rel);
    if (rel === CONTRACTS_FILE) {
      for (const n of vocabulary.names) a.contracts.add(n);
      continue;
    }
    for (const ref of moduleRefs(sf)) {
      const resolved = ts.resolveModuleName(
        ref.specifier,
        path.join(root, rel),
        compilerOptions(),
        ts.sys,
        undefined,
        undefined,
        ts.ModuleKind.ESNext,
      ).resolvedModule;
      const bare = !ref.specifier.startsWith('.') && !ref.specifier.startsWith('/');
      if (!resolved || resolved.isExternalLibraryImport || resolved.resolvedFileName.includes('/node_modules/')) {
        if (bare) {
          if (!isBuiltin(ref.specifier)) a.external.add(packageName(ref.specifier));
        } else unresolved.push(`${rel}: ${ref.specifier}`);
        continue;
      }
      const target = path.relative(root, resolved.resolvedFileName).split(path.sep).join('/');
      if (target === CONTRACTS_FILE) for (const n of ref.names) if (vocabulary.names.has(n)) a.contracts.add(n);
      const to = componentOf(variant, target);
      if (!to || to === from) continue;
      const key = `${from}\u0000${to}`;
      const e = edges.get(key) ?? { from, to, imports: 0, typeOnly: 0 };
      e.imports++;
      if (ref.typeOnly) e.typeOnly++;
      edges.set(key, e);
      a.out.add(to);
      acc(to).in.add(from);
    }
    // The choreography names events only as strings: eventFrom('InventoryReserved', ...),
    // case 'payments:InventoryReserved'. A literal, or one ':'-part of it, that is a
    // message type is a reference to that contract.
    for (const s of stringLiterals(sf)) for (const part of s.split(':')) if (vocabulary.messageTypes.has(part)) a.contracts.add(part);
  }

  const components = [...comps.entries()]
    .filter(([, a]) => a.files.length > 0)
    .map(([name, a]) => {
      const ca = a.in.size;
      const ce = a.out.size;
      return {
        name,
        files: a.files,
        afferent: ca,
        efferent: ce,
        instability: ca + ce === 0 ? 0 : ce / (ca + ce),
        contracts: a.contracts.size,
        contractNames: [...a.contracts].sort(),
        externalPackages: [...a.external].sort(),
      };
    })
    .sort((x, y) => x.name.localeCompare(y.name));
  const edgeList = [...edges.values()].sort((x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
  return { variant, components, edges: edgeList, unresolved };
}
