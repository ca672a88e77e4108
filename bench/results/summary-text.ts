import { fmtEmulators } from './emulators.ts';
import type { Results } from './schema.ts';

/** The terminal's view of a run: one line per variant and level, then cost and invariants. */
export function summaryText(r: Results): string {
  const lines: string[] = [];
  const where = r.environment.emulatorNumbers ? 'local emulators (moto, Temporal dev server): compare variants here, not with AWS' : r.environment.target;
  lines.push(`sagabench results${r.partial ? ' (PARTIAL)' : ''}: ${r.workload.orders} orders per level, seed ${r.workload.seed}, ${r.workload.loop} loop; latencies from ${where}`);
  lines.push(`Ran on Node ${r.environment.node}${r.environment.emulators ? `, ${fmtEmulators(r.environment.emulators)}` : ''}`);
  lines.push('');
  lines.push(`${'variant'.padEnd(14)}${'level'.padStart(7)}${'p50 ms'.padStart(9)}${'p90 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'orders/s'.padStart(10)}${'floor p50'.padStart(11)}${'÷floor'.padStart(8)}${'cpu ms/ord'.padStart(12)}`);
  for (const v of r.variants)
    for (const l of v.levels)
      lines.push(
        `${v.name.padEnd(14)}${String(l.level).padStart(7)}${String(l.latencyMs.p50).padStart(9)}${String(l.latencyMs.p90).padStart(9)}${String(l.latencyMs.p99).padStart(9)}` +
          `${l.throughputPerSec.toFixed(2).padStart(10)}${(l.floor ? String(l.floor.p50Ms) : '-').padStart(11)}${(l.floor?.ratio != null ? l.floor.ratio.toFixed(2) : '-').padStart(8)}${l.harnessCpuMsPerOrder.toFixed(2).padStart(12)}` +
          (v.latencyKind === 'simulated' ? '  SIMULATED' : ''),
      );
  const projected = r.variants.filter((v) => v.awsProjection);
  if (projected.length) {
    lines.push('');
    lines.push('PROJECTION on AWS / Temporal Cloud (published per-hop figures along these critical paths; not measured, see the report):');
    for (const v of projected) {
      const p = v.awsProjection!;
      lines.push(`${v.name.padEnd(14)}${String(p.level).padStart(7)}  PROJECTION p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms (of it carried over from local: mean ${p.carriedOver.meanMs} ms)`);
    }
  }
  if (r.variants.some((v) => v.latencyKind === 'simulated'))
    lines.push('SIMULATED: that orchestration ran under a local test runner; its times are not comparable (outcomes and cost are).');
  lines.push('');
  for (const v of r.variants) {
    const broken = v.invariants.filter((i) => !i.ok);
    lines.push(
      `${v.name.padEnd(14)} ${v.cost ? `$${v.cost.perMillionOrdersUsd.toFixed(2)} per 1M orders${fixedOf(v.cost)} (prices ${v.cost.priceTableVersion}, ${v.cost.region})` : 'no cost'}; ` +
        `outcomes ${v.outcomes.completed} completed / ${v.outcomes.cancelled} cancelled / ${v.outcomes.rejected} rejected / ${v.outcomes.lost} lost${v.outcomes.errors ? ` / ${v.outcomes.errors} errors` : ''}; ` +
        `invariants ${broken.length ? `BROKEN: ${broken.map((b) => `${b.name}: ${b.detail}`).join('; ')}` : 'all held'}`,
    );
    for (const a of v.alternatives ?? []) lines.push(`${''.padEnd(14)} ${a.label}: $${a.cost.perMillionOrdersUsd.toFixed(2)} per 1M orders (${a.note})`);
  }
  const p = r.projection;
  if (p) {
    const where = p.crossovers.map((c) => `${c.a}/${c.b} at ${Math.round(c.ordersPerMonth).toLocaleString('en-US')} (${c.cheaperAbove} cheaper above)`);
    lines.push(
      `Monthly bill, 1,000 to 100,000,000 orders (Temporal Cloud ${p.options.temporalPlan} plan, AWS free tier ${p.options.freeTier ? 'counted' : 'not counted'}): ` +
        (where.length ? `crossovers ${where.join('; ')}` : 'no crossover in the range'),
    );
  }
  const faults = r.variants.flatMap((v) => (v.faults ?? []).map((f) => ({ v: v.name, f })));
  if (faults.length) {
    lines.push('');
    lines.push(`${'variant'.padEnd(14)}${'fault'.padEnd(10)}${'affected'.padStart(9)}${'p99 ms'.padStart(9)}${'extra'.padStart(9)}${'recovery ms'.padStart(13)}${'retries'.padStart(9)}${'lost'.padStart(6)}${'in DLQ'.padStart(8)}  invariants`);
    for (const { v, f } of faults) {
      const dlq = f.dlq.reduce((s, d) => s + d.messages, 0);
      const broken = f.invariants.filter((i) => !i.ok);
      lines.push(
        `${v.padEnd(14)}${f.fault.padEnd(10)}${String(f.ordersAffected).padStart(9)}${String(f.latencyMs.p99).padStart(9)}${(f.extraP99Ms === null ? '-' : String(f.extraP99Ms)).padStart(9)}` +
          `${String(f.recoveryMs).padStart(13)}${String(f.retries).padStart(9)}${String(f.outcomes.lost).padStart(6)}${String(dlq).padStart(8)}  ${broken.length ? `BROKEN: ${broken.map((b) => `${b.name}: ${b.detail}`).join('; ')}` : 'all held'}`,
      );
    }
  }
  return lines.join('\n');
}

/** " + $21.67/month fixed" when the variant has fixed monthly lines. */
function fixedOf(cost: { fixed: Array<{ usdPerMonth: number }> }): string {
  const usd = cost.fixed.reduce((a, f) => a + f.usdPerMonth, 0);
  return usd > 0 ? ` + $${usd.toFixed(2)}/month fixed` : '';
}
