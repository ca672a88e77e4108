import type { Results } from './schema.ts';

/** The terminal's view of a run: one line per variant and level, then cost and invariants. */
export function summaryText(r: Results): string {
  const lines: string[] = [];
  const where = r.environment.emulatorNumbers ? 'local emulators (moto, Temporal dev server): compare variants here, not with AWS' : r.environment.target;
  lines.push(`sagabench results${r.partial ? ' (PARTIAL)' : ''}: ${r.workload.orders} orders per level, seed ${r.workload.seed}, ${r.workload.loop} loop; latencies from ${where}`);
  lines.push('');
  lines.push(`${'variant'.padEnd(14)}${'level'.padStart(7)}${'p50 ms'.padStart(9)}${'p90 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'orders/s'.padStart(10)}${'floor p50'.padStart(11)}${'÷floor'.padStart(8)}${'cpu ms/ord'.padStart(12)}`);
  for (const v of r.variants)
    for (const l of v.levels)
      lines.push(
        `${v.name.padEnd(14)}${String(l.level).padStart(7)}${String(l.latencyMs.p50).padStart(9)}${String(l.latencyMs.p90).padStart(9)}${String(l.latencyMs.p99).padStart(9)}` +
          `${l.throughputPerSec.toFixed(2).padStart(10)}${(l.floor ? String(l.floor.p50Ms) : '-').padStart(11)}${(l.floor?.ratio != null ? l.floor.ratio.toFixed(2) : '-').padStart(8)}${l.harnessCpuMsPerOrder.toFixed(2).padStart(12)}`,
      );
  lines.push('');
  for (const v of r.variants) {
    const broken = v.invariants.filter((i) => !i.ok);
    lines.push(
      `${v.name.padEnd(14)} ${v.cost ? `$${v.cost.perMillionOrdersUsd.toFixed(2)} per 1M orders (prices ${v.cost.priceTableVersion}, ${v.cost.region})` : 'no cost'}; ` +
        `outcomes ${v.outcomes.completed} completed / ${v.outcomes.cancelled} cancelled / ${v.outcomes.rejected} rejected / ${v.outcomes.lost} lost; ` +
        `invariants ${broken.length ? `BROKEN: ${broken.map((b) => `${b.name}: ${b.detail}`).join('; ')}` : 'all held'}`,
    );
    for (const a of v.alternatives ?? []) lines.push(`${''.padEnd(14)} ${a.label}: $${a.cost.perMillionOrdersUsd.toFixed(2)} per 1M orders (${a.note})`);
  }
  return lines.join('\n');
}
