import { FUNCTION_DEFAULTS } from '../../shared/topology/functions.ts';
import type { VariantReport } from '../../shared/variant/target.ts';
import { variantOf, type VariantName } from '../../infra/variants.ts';
import type { UnitRecord } from '../load/loop.ts';
import { estimateCost, type BillingOptions, type UsageSample } from './model.ts';
import { PRICE_TABLE } from './prices.ts';

/** What the variant's run counted, as the cost model reads it (the model applies the registry's rules). */
export function usageOf(run: {
  variant: VariantName;
  report: VariantReport;
  records: UnitRecord[];
  warmupRecords: UnitRecord[];
}): UsageSample {
  const billing = variantOf(run.variant).billing;
  const orders = [...run.warmupRecords, ...run.records].filter((r) => r.acceptedAt !== undefined).length;
  const handlerMs = run.report.traces.map((t) => Math.max(1, t.end - t.start));
  const sfn = run.report.stepFunctions;
  const t = run.report.temporal;
  const d = run.report.durable;
  return {
    variant: run.variant,
    orders: Math.max(1, orders),
    metered: run.report.metered,
    ...(sfn ? { stepFunctions: { ...sfn } } : {}),
    // On AWS the functions' own REPORT lines (billed duration) stand in for the handler times the traces give locally.
    ...(billing.lambdaInvocations && run.report.lambda
      ? { lambda: { ...run.report.lambda } }
      : billing.lambdaInvocations
        ? {
            lambda: {
              tracedRuns: handlerMs.length,
              durationMsTotal: handlerMs.reduce((a, b) => a + b, 0),
              memoryMb: FUNCTION_DEFAULTS.memoryMb,
              arch: FUNCTION_DEFAULTS.architecture,
            },
          }
        : {}),
    ...(t ? { temporal: { actions: t.actions, historyBytes: t.historyBytes, openMsTotal: t.openMsTotal, workflows: t.workflows } } : {}),
    ...(d
      ? { durable: { executions: d.executions, operations: d.operations, retries: d.retries, dataWrittenBytes: d.dataWrittenBytes } }
      : {}),
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
              taskAttempts: acc.stepFunctions.taskAttempts + u.stepFunctions.taskAttempts,
              logBytes: acc.stepFunctions.logBytes + u.stepFunctions.logBytes,
              durationMsTotal: (acc.stepFunctions.durationMsTotal ?? 0) + (u.stepFunctions.durationMsTotal ?? 0),
            },
          }
        : {}),
      ...(acc.lambda && u.lambda
        ? {
            lambda: {
              ...acc.lambda,
              tracedRuns: acc.lambda.tracedRuns + u.lambda.tracedRuns,
              durationMsTotal: acc.lambda.durationMsTotal + u.lambda.durationMsTotal,
            },
          }
        : {}),
      ...(acc.temporal && u.temporal
        ? {
            temporal: {
              actions: acc.temporal.actions + u.temporal.actions,
              historyBytes: acc.temporal.historyBytes + u.temporal.historyBytes,
              openMsTotal: acc.temporal.openMsTotal + u.temporal.openMsTotal,
              workflows: acc.temporal.workflows + u.temporal.workflows,
            },
          }
        : {}),
      ...(acc.durable && u.durable
        ? {
            durable: {
              executions: acc.durable.executions + u.durable.executions,
              operations: acc.durable.operations + u.durable.operations,
              retries: acc.durable.retries + u.durable.retries,
              dataWrittenBytes: acc.durable.dataWrittenBytes + u.durable.dataWrittenBytes,
            },
          }
        : {}),
    }),
    first!,
  );
}

/**
 * The same executions priced as another workflow type (EXPRESS: requests plus the
 * measured start-to-stop durations). Locally the emulator runs only STANDARD (moto
 * ignores the type), so this is a what-if from this run's counts, labelled as such.
 */
export function whatIfs(usage: UsageSample, options: Partial<BillingOptions> = {}) {
  const whatIf = variantOf(usage.variant).billing.whatIf;
  const sfn = usage.stepFunctions;
  if (!whatIf || !sfn) return [];
  const { variant: _v, ...cost } = estimateCost(
    { ...usage, stepFunctions: { ...sfn, type: whatIf.stepFunctionsType, durationMsTotal: sfn.durationMsTotal ?? 0 } },
    PRICE_TABLE,
    options,
  );
  return [{ label: whatIf.label, note: whatIf.note, cost }];
}
