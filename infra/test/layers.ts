import fs from 'node:fs';
import path from 'node:path';
import { cruise, type IForbiddenRuleType } from 'dependency-cruiser';

/**
 * The layers, bottom up. Code may import its own layer or one below, never one
 * above, and a variant never imports another variant: so the top-level folders'
 * import graph has no cycle, and shared/ imports nothing outside shared/.
 */
export const LAYERS: readonly (readonly string[])[] = [['shared'], ['choreography', 'orchestration'], ['infra'], ['bench']];

/** Tests may reach anywhere (a scenario test drives every layer); the rule is for the code that ships. */
const TEST = '(^|/)test/|\\.test\\.ts$';

const upward: IForbiddenRuleType[] = LAYERS.flatMap((folders, i) => {
  const above = LAYERS.slice(i + 1).flat();
  return above.length
    ? [
        {
          name: `${folders.join('-')}-imports-no-higher-layer`,
          comment: `${folders.join(' and ')} sit below ${above.join(', ')}: an import up the layers makes a cycle between folders`,
          severity: 'error' as const,
          from: { path: `^(${folders.join('|')})/`, pathNot: TEST },
          to: { path: `^(${above.join('|')})/` },
        },
      ]
    : [];
});

const betweenVariants: IForbiddenRuleType[] = [
  ['choreography', 'orchestration'],
  ['orchestration', 'choreography'],
  ['orchestration/stepfunctions', 'orchestration/temporal'],
  ['orchestration/temporal', 'orchestration/stepfunctions'],
].map(([from, to]) => ({
  name: `${from!.replace('/', '-')}-imports-no-other-variant`,
  comment: 'variants differ only in coordination: what two share lives below them',
  severity: 'error' as const,
  from: { path: `^${from}/`, pathNot: TEST },
  to: { path: `^${to}/` },
}));

export const LAYER_RULES: IForbiddenRuleType[] = [...upward, ...betweenVariants];

/** The modules read under `baseDir`, and "from -> to (rule)" for every import that breaks a layer rule. */
export async function layerViolations(baseDir: string): Promise<{ modules: number; violations: string[] }> {
  const present = LAYERS.flat().filter((folder) => fs.existsSync(path.join(baseDir, folder)));
  const result = await cruise(
    present,
    {
      baseDir,
      ruleSet: { forbidden: LAYER_RULES },
      doNotFollow: { path: 'node_modules' },
      exclude: { path: '(^|/)node_modules/|\\.tools/' },
      tsPreCompilationDeps: true,
      validate: true,
    },
    undefined,
    undefined,
  );
  if (typeof result.output === 'string') throw new Error('dependency-cruiser returned text, not a result');
  return {
    modules: result.output.modules.length,
    violations: result.output.summary.violations.map((v) => `${v.from} -> ${v.to} (${v.rule.name})`),
  };
}
