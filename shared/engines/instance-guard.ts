import { acquireInstanceLock, type InstanceLock } from '../runtime/instance-lock.ts';
import { readJournal, readState } from './state.ts';
import { down } from './substrate.ts';

/**
 * Takes the instance's lock for a command that may start, reset or stop its
 * engines. When the lock's last holder died (SIGKILL) after starting the engines
 * itself, those engines are orphans: they are stopped here, and the user is told.
 */
export async function guardInstance(instance: string, log: (line: string) => void): Promise<InstanceLock> {
  const lock = acquireInstanceLock(instance, log);
  const gone = lock.takenOverFrom;
  if (gone?.ownsEngines && (readState(instance) || readJournal(instance).length)) {
    try {
      const d = await down(instance);
      if (d.stopped.length)
        log(`Stopped the engines pid ${gone.pid} left orphaned on instance '${instance}' (pids ${d.stopped.join(', ')}).`);
    } catch (err) {
      lock.release();
      throw err;
    }
  }
  return lock;
}
