import type { ChildProcess } from 'node:child_process';
import { startChild, stopChildren } from './children.ts';

export interface ChildSpec {
  name: string;
  script: string;
  args: string[];
}

/**
 * A variant's processes by name, so a fault can kill one, restart it or freeze
 * it, and `stop` still ends every process that is running at the time.
 */
export class ProcessGroup {
  private readonly running = new Map<string, ChildProcess>();

  private readonly specs: ChildSpec[];
  private constructor(specs: ChildSpec[]) {
    this.specs = specs;
  }

  /** Starts every process; if one fails, stops the others and throws. */
  static async start(specs: ChildSpec[]): Promise<ProcessGroup> {
    const group = new ProcessGroup(specs);
    const started = await Promise.allSettled(specs.map(async (s) => [s.name, await startChild(s.script, s.args)] as const));
    for (const r of started) if (r.status === 'fulfilled') group.running.set(r.value[0], r.value[1]);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await group.stop();
      throw failed.reason;
    }
    return group;
  }

  names(): string[] {
    return this.specs.map((s) => s.name);
  }

  pids(): number[] {
    return [...this.running.values()].map((c) => c.pid!);
  }

  pidOf(name: string): number | undefined {
    return this.running.get(name)?.pid;
  }

  /** The running process itself, for a child that takes its work over stdin and answers on stdout. */
  processOf(name: string): ChildProcess {
    return this.child(name);
  }

  /** kill -9: the process gets no chance to finish what it holds. */
  async crash(name: string): Promise<void> {
    const child = this.child(name);
    this.running.delete(name);
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async restart(name: string): Promise<void> {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) throw new Error(`no process named ${name}`);
    if (this.running.has(name)) await this.crash(name);
    this.running.set(name, await startChild(spec.script, spec.args));
  }

  /** SIGSTOP: alive but frozen, holding whatever it had received. */
  pause(name: string): void {
    this.child(name).kill('SIGSTOP');
  }

  resume(name: string): void {
    this.child(name).kill('SIGCONT');
  }

  async stop(): Promise<void> {
    // A frozen process cannot see its stdin close.
    for (const c of this.running.values()) c.kill('SIGCONT');
    await stopChildren([...this.running.values()]);
    this.running.clear();
  }

  private child(name: string): ChildProcess {
    const c = this.running.get(name);
    if (!c) throw new Error(`process ${name} is not running`);
    return c;
  }
}
