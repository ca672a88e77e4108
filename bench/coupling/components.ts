import { REGISTRY, VARIANTS, type VariantName } from '../../infra/variants.ts';
import type { Rule } from '../../shared/variant/components.ts';

/**
 * Which files make up which component, per variant: each variant's own table of
 * path prefixes (its registry entry's coupling scope). A file no rule matches is
 * not part of that variant's graph (another variant's code, the CLI, ...);
 * imports into it are ignored.
 */
export type Variant = VariantName;
export const COUPLING_VARIANTS: readonly Variant[] = VARIANTS;
export type { Rule };
export { CONTRACTS_FILE } from '../../shared/variant/components.ts';

/**
 * Never in any graph: the harness, the infrastructure, each variant's harness
 * adapters (its load target, floor and change script) and deployment (its
 * stack and local lifecycle), its registry entry, and tests.
 */
export function isExcluded(rel: string): boolean {
  return (
    rel.startsWith('bench/') ||
    rel.startsWith('infra/') ||
    rel.startsWith('node_modules/') ||
    /(^|\/)(test|harness|deploy)\//.test(rel) ||
    rel.endsWith('.test.ts') ||
    /(^|\/)variant\.ts$/.test(rel)
  );
}

export const COMPONENT_MAP: Record<Variant, readonly Rule[]> = Object.fromEntries(
  REGISTRY.map((v) => [v.name, v.coupling.components]),
) as Record<Variant, readonly Rule[]>;

/** The component a root-relative path belongs to in `variant`, or undefined when it is outside the variant. */
export function componentOf(variant: Variant, rel: string): string | undefined {
  if (isExcluded(rel)) return undefined;
  return COMPONENT_MAP[variant].find(([prefix]) => rel.startsWith(prefix))?.[1];
}
