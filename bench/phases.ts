/**
 * Where a suite's wall time goes besides its measured orders: the harness's own
 * work (engines, resets, variant starts and stops, checks, floors, coupling, the
 * change impact, the report) is what a shorter run would have to cut, so the CLI
 * prints it at the end. Phases that run side by side are each counted in full.
 */
export const PHASES = [
  'measured orders',
  'warmups',
  'floor orders',
  'engines',
  'resets',
  'variant starts',
  'variant stops',
  'checks',
  'floor starts and stops',
  'coupling',
  'change impact',
  'report',
] as const;
export type Phase = (typeof PHASES)[number];

export class PhaseClock {
  private readonly totals = new Map<Phase, number>();
  private readonly startedAt = performance.now();

  add(phase: Phase, ms: number): void {
    this.totals.set(phase, (this.totals.get(phase) ?? 0) + ms);
  }

  /** Starts timing `phase`; the function returned ends it (call it once). */
  begin(phase: Phase): () => void {
    const t0 = performance.now();
    return () => this.add(phase, performance.now() - t0);
  }

  /** Runs `work` and adds its wall time to `phase`, whether it succeeds or throws. */
  async time<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - t0);
    }
  }

  ms(phase: Phase): number {
    return this.totals.get(phase) ?? 0;
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** One line: the wall time so far, then each phase that took any, largest first, and what no phase covers. */
  summary(): string {
    const total = this.elapsedMs();
    const parts = PHASES.filter((p) => this.ms(p) >= 500)
      .sort((a, b) => this.ms(b) - this.ms(a))
      .map((p) => `${p} ${formatSeconds(this.ms(p))}`);
    const covered = PHASES.reduce((a, p) => a + this.ms(p), 0);
    if (total - covered >= 500) parts.push(`other ${formatSeconds(total - covered)}`);
    return `Wall time ${formatSeconds(total)}: ${parts.join(', ')}`;
  }
}

export function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}
