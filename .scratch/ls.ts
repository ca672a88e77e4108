import { listeningSockets } from '../infra/local/processes.ts';
import { readState } from '../infra/local/state.ts';
const s = readState('default')!;
for (const p of [...s.moto.processes, s.temporal]) console.log(p.pid, JSON.stringify(listeningSockets(p.pid)));
