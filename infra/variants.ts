import { z } from 'zod';
import { variantStackName } from '../shared/topology/stacks.ts';
import { choreography } from '../choreography/variant.ts';
import { eventbridge } from '../choreography/eventbridge/variant.ts';
import { stepFunctions } from '../orchestration/stepfunctions/variant.ts';
import { temporal } from '../orchestration/temporal/variant.ts';
import { lambdaDurable } from '../orchestration/lambda-durable/variant.ts';

/**
 * The variant registry: the one list of variants. It sits just above the
 * variant folders, so the deploy (infra/) and the harness, report and CLI
 * (bench/) can all read it; adding a variant is its folder plus one line here.
 */
export const REGISTRY = [choreography, eventbridge, stepFunctions, temporal, lambdaDurable] as const;

export type VariantName = (typeof REGISTRY)[number]['name'];
export type RegisteredVariant = (typeof REGISTRY)[number];
export const VARIANTS = REGISTRY.map((v) => v.name) as [VariantName, ...VariantName[]];
export const variantNameSchema = z.enum(VARIANTS);

export function variantOf(name: VariantName): RegisteredVariant {
  return REGISTRY.find((v) => v.name === name)!;
}

/** The variant's own CloudFormation stack, beside the shared data stack. */
export const variantStack = (prefix: string, name: VariantName): string => variantStackName(prefix, variantOf(name).deploy.stack);
