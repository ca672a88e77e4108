// Stops a substrate instance when the process that owns it is gone, whether it
// exited, crashed or was killed with SIGKILL (which no handler of its own sees).
// Exits by itself once the instance has been stopped by other means.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { down } from './substrate.ts';
import { isRunning } from './processes.ts';
import { journalFile } from '../paths.ts';

const [instance, owner] = process.argv.slice(2);
const ownerPid = Number(owner);
if (!instance || !Number.isInteger(ownerPid)) {
  console.error('usage: watchdog <instance> <ownerPid>');
  process.exit(2);
}

for (;;) {
  await sleep(500);
  if (!fs.existsSync(journalFile(instance))) process.exit(0);
  if (!isRunning(ownerPid)) {
    console.error(`${new Date().toISOString()} owner ${ownerPid} is gone; stopping instance '${instance}'`);
    const r = await down(instance, process.pid);
    console.error(`stopped ${r.stopped.join(', ') || 'nothing'}`);
    process.exit(0);
  }
}
