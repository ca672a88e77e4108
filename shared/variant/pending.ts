import type { Completion } from './load-target.ts';

/**
 * Completions keyed by id: one poller per target resolves them, however many
 * units wait. A completion seen before anyone waits for it is kept, and a
 * second one for the same id (at-least-once delivery) is ignored.
 */
export class PendingCompletions {
  private readonly waiting = new Map<string, (c: Completion) => void>();
  private readonly seen = new Map<string, Completion>();

  wait(id: string): Promise<Completion> {
    const early = this.seen.get(id);
    if (early) return Promise.resolve(early);
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  resolve(c: Completion): void {
    if (this.seen.has(c.id)) return;
    this.seen.set(c.id, c);
    this.waiting.get(c.id)?.(c);
    this.waiting.delete(c.id);
  }

  /** Ids someone waits for that have not completed yet. */
  pendingIds(): string[] {
    return [...this.waiting.keys()];
  }

  get size(): number {
    return this.waiting.size;
  }
}
