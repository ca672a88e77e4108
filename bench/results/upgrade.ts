/**
 * Brings a results file of an older schema version to the current shape, so a
 * report can still be made from runs written before a change. Only additions are
 * upgraded: a field the old version did not measure becomes null, never a guess.
 */
export function upgradeResults(data: Record<string, unknown>): Record<string, unknown> {
  if (data.schemaVersion !== 1) return data;
  const variants = Array.isArray(data.variants) ? (data.variants as Record<string, unknown>[]) : [];
  return {
    ...data,
    schemaVersion: 2,
    variants: variants.map((v) => ({
      ...v,
      levels: Array.isArray(v?.levels) ? (v.levels as Record<string, unknown>[]).map((l) => ({ segmentsMs: null, ...l })) : v?.levels,
    })),
  };
}
