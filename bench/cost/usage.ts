import { FUNCTION_DEFAULTS } from '../../shared/topology/functions.ts';
import type { VariantReport } from '../../shared/variant/target.ts';
import { variantOf, type VariantName } from '../../infra/variants.ts';
import type { UnitRecord } from '../load/loop.ts';
import { estimateCost, fargateMonthlyUsd, type UsageSample } from './model.ts';

/** What the variant's calls would cost on AWS, for the binding it has there (as its registry entry says). */
export function usageOf(run: {
  variant: VariantName;
  report: VariantReport;
  records: UnitRecord[];
  warmupRecords: UnitRecord[];
}): UsageSample {
  const billing = variantOf(run.variant).billing;
  const orders = [...run.warmupRecords, ...run.records].filter((r) => r.acceptedAt !== undefined).length;
  const handlerMs = run.report.traces.map((t) => Math.max(1, t.end - t.start));
  const lambda = {
    invocations: handlerMs.length,
    durationMsTotal: handlerMs.reduce((a, b) => a + b, 0),
    memoryMb: FUNCTION_DEFAULTS.memoryMb,
    arch: FUNCTION_DEFAULTS.architecture,
  };
  return {
    variant: run.variant,
    orders: Math.max(1, orders),
    metered: billing.pricedCalls(run.report.metered),
    ...(run.report.stepFunctions ? { stepFunctions: { ...run.report.stepFunctions } } : {}),
    ...(billing.lambda ? { lambda } : {}),
    ...(run.report.temporal ? { temporal: { actions: run.report.temporal.actions } } : {}),
  };
}

/** The samples of several levels as one, for the variant's cost over the whole run. */
export function mergeUsage(list: UsageSample[]): UsageSample {
  const [first, ...rest] = list;
  return rest.reduce<UsageSample>(
    (acc, u) => ({
      ...acc,
      orders: acc.orders + u.orders,
      metered: [...acc.metered, ...u.metered],
      ...(acc.stepFunctions && u.stepFunctions
        ? {
            stepFunctions: {
              ...acc.stepFunctions,
              executions: acc.stepFunctions.executions + u.stepFunctions.executions,
              transitions: acc.stepFunctions.transitions + u.stepFunctions.transitions,
              durationMsTotal: (acc.stepFunctions.durationMsTotal ?? 0) + (u.stepFunctions.durationMsTotal ?? 0),
            },
          }
        : {}),
      ...(acc.lambda && u.lambda
        ? {
            lambda: {
              ...acc.lambda,
              invocations: acc.lambda.invocations + u.lambda.invocations,
              durationMsTotal: acc.lambda.durationMsTotal + u.lambda.durationMsTotal,
            },
          }
        : {}),
      ...(acc.temporal && u.temporal ? { temporal: { actions: acc.temporal.actions + u.temporal.actions } } : {}),
    }),
    first!,
  );
}

/**
 * The same executions priced as another workflow type (EXPRESS: requests plus the
 * measured start-to-stop durations). Locally the emulator runs only STANDARD (moto
 * ignores the type), so this is a what-if from this run's counts, labelled as such.
 */
export function whatIfs(usage: UsageSample) {
  const whatIf = variantOf(usage.variant).billing.whatIf;
  const sfn = usage.stepFunctions;
  if (!whatIf || !sfn) return [];
  const { variant: _v, ...cost } = estimateCost({
    ...usage,
    stepFunctions: {
      type: whatIf.stepFunctionsType,
      executions: sfn.executions,
      transitions: sfn.transitions,
      durationMsTotal: sfn.durationMsTotal ?? 0,
    },
  });
  return [{ label: whatIf.label, note: whatIf.note, cost }];
}

/** A variant's fixed monthly cost (an always-on worker), if it has one. */
export function fixedMonthlyUsd(variant: VariantName): number | undefined {
  const worker = variantOf(variant).billing.alwaysOnWorker;
  return worker ? fargateMonthlyUsd(worker) : undefined;
}
