// The local function host of one `sagabench deploy --target local`: started
// detached (its own process group, output to a log file) so the deploy command
// can return, it runs the variant's processes exactly as the benchmark does
// (the choreography's five service consumers, or the orchestrator's worker)
// and stops them on SIGTERM, which `destroy` sends to the whole group. It
// also stops them if the substrate they talk to goes away.
import { createAwsClients } from '../../shared/aws/clients.ts';
import { variantOf } from '../variants.ts';
import { isOurs } from '../../shared/engines/processes.ts';
import { readState } from '../../shared/engines/state.ts';
import { readDeploymentFile } from './record.ts';

const [recordFile] = process.argv.slice(2);
if (!recordFile) {
  console.error('usage: host-main <deployment record .json>');
  process.exit(2);
}
const d = readDeploymentFile(recordFile);
if (d.placement.target !== 'local') {
  console.error(`${recordFile} is not a local deployment`);
  process.exit(2);
}
const placement = d.placement;
const clients = createAwsClients({ kind: 'local', endpoints: placement.endpoints });
const running = await variantOf(d.variant).deploy.local.start({
  clients,
  prefix: d.prefix,
  tables: d.tables,
  // The record was validated against this variant's own resources schema; TypeScript cannot tie the two through the union.
  resources: d.resources as never,
  endpoints: placement.endpoints,
  traceDir: placement.traceDir,
});

let stopping = false;
const shutdown = (why: string, code: number) => {
  if (stopping) return;
  stopping = true;
  clearInterval(watch);
  console.error(`host: stopping (${why})`);
  void running
    .stop()
    .catch((err: unknown) => console.error(err))
    .finally(() => {
      clients.destroy();
      process.exit(code);
    });
};
// Without the engines the processes would only log connection errors until someone notices.
const watch = setInterval(() => {
  const state = readState(placement.instance);
  const engines = state ? [...state.moto.processes, state.temporal] : [];
  if (!state || !engines.every((p) => isOurs(p))) shutdown(`the local substrate '${placement.instance}' is gone`, 1);
}, 3000);
process.once('SIGTERM', () => shutdown('SIGTERM', 0));
process.once('SIGINT', () => shutdown('SIGINT', 0));
process.stdout.write(`${JSON.stringify({ ready: 'host', variant: d.variant, pid: process.pid, pids: running.pids })}\n`);
