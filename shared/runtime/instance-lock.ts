import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { runDir } from '../paths.ts';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from './atomic-write.ts';

const holderSchema = z.object({
  pid: z.number().int().positive(),
  /** The kernel's start time of the pid (from /proc): a recycled pid is not the holder. */
  procStart: z.string(),
  command: z.string(),
  startedAt: z.string(),
  /** True once the holder started the instance's engines itself: they die with it only if its watchdog ran. */
  ownsEngines: z.boolean(),
});
export type LockHolder = z.infer<typeof holderSchema>;

export const lockFile = (instance: string): string => path.join(runDir(), `${instance}.lock`);

function procStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(h: LockHolder): boolean {
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = procStart(h.pid);
  // Without /proc (not Linux) the pid alone has to do.
  return start === undefined ? fs.existsSync('/proc/self') === false : start === h.procStart;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface InstanceLock {
  /** The run that held the lock before and died without releasing it, if any. */
  takenOverFrom?: LockHolder;
  markOwnsEngines(): void;
  release(): void;
}

const describe = (h: LockHolder) => `pid ${h.pid} (${h.command}), started ${h.startedAt}`;

/**
 * One command at a time per instance: two runs on one emulator reset and stop
 * each other's engines, and each one's load skews the other's figures. Taken
 * with an exclusive create, so two commands starting together cannot both win;
 * a lock whose holder is gone (killed with SIGKILL, say) is taken over.
 */
export function acquireInstanceLock(instance: string, log: (line: string) => void = () => {}): InstanceLock {
  const file = lockFile(instance);
  fs.mkdirSync(runDir(), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    procStart: procStart(process.pid) ?? '',
    command: ['sagabench', ...process.argv.slice(2)].join(' ').slice(0, 300),
    startedAt: new Date().toISOString(),
    ownsEngines: false,
  };
  let takenOverFrom: LockHolder | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me, null, 2), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err;
    }
    const holder = readHolder(file);
    if (holder && alive(holder))
      throw new UserError(
        `instance '${instance}' is in use by ${describe(holder)}. Wait for it to finish, stop it, or give this command another --instance <name>.`,
      );
    if (holder) {
      takenOverFrom = holder;
      log(`Instance '${instance}' was locked by ${describe(holder)}, which is gone; taking the lock over.`);
    }
    // Whoever removes a stale lock, only one exclusive create afterwards wins.
    fs.rmSync(file, { force: true });
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return {
    ...(takenOverFrom ? { takenOverFrom } : {}),
    markOwnsEngines() {
      if (held) writeFileAtomic(file, JSON.stringify({ ...me, ownsEngines: true }, null, 2));
    },
    release,
  };
}
