import fs from 'node:fs';
import { collect, startCli, waitForOutput } from '../infra/local/test/cli-run.ts';
const child = startCli(['local', 'up', '--foreground', '--instance', 'fg2', '--moto-port', '16200', '--temporal-port', '16300']);
const done = collect(child);
await waitForOutput(child, /Ctrl-C stops it/);
for (let i = 0; i < 5; i++) {
  const st = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/Sig(Cgt|Ign):.*/g);
  console.log(Date.now() % 100000, st);
  await new Promise((r) => setTimeout(r, 5));
}
child.kill('SIGINT');
const r = await done;
console.log(r.code, r.signal);
