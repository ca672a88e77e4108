import { z } from 'zod';
import { staticCouplingSchema } from './static.ts';
import { dynamicCouplingSchema } from './dynamic.ts';
import { changeImpactSchema } from './change-impact.ts';

/** One variant's coupling figures, as the results file carries them. */
export const couplingSchema = z.object({
  static: staticCouplingSchema,
  dynamic: dynamicCouplingSchema.nullable(),
  changeImpact: changeImpactSchema.nullable(),
});
export type Coupling = z.infer<typeof couplingSchema>;

export { COMPONENT_MAP, COUPLING_VARIANTS, componentOf, type Variant } from './components.ts';
export { componentGraph, staticCouplingSchema, PROJECT_ROOT, type StaticCoupling } from './static.ts';
export { dynamicCoupling, dynamicCouplingSchema, dynamicInputSchema, type DynamicCoupling, type DynamicInput } from './dynamic.ts';
export { runChangeImpact, applyChange, changeImpactSchema, CHANGES, type ChangeImpact } from './change-impact.ts';
export { AnchorError } from '../../shared/variant/change.ts';
