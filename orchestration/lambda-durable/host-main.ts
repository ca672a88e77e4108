// The durable function's local host: a process of its own, as Lambda is on AWS, so the
// simulated orchestration's CPU is not the harness's. Takes one JSON line per execution
// on stdin ({"id", "input"}), answers one {"done", ...} line on stdout when it ends, and
// stops (its executions finished, its meter written) when its parent closes stdin.
import path from 'node:path';
import { createInterface } from 'node:readline';
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { createAwsClients } from '../../shared/aws/clients.ts';
import { faultsFromEnv } from '../../shared/aws/faults.ts';
import { FileTraceSink } from '../../shared/messaging/trace.ts';
import { onParentGone } from '../../shared/runtime/children.ts';
import { flushMeterEvery } from '../../shared/runtime/meter-file.ts';
import type { OrderDocument } from '../../shared/domain/contracts.ts';
import { acquireDurableEnvironment, startLocalDurable } from './local.ts';
import { hostConfigSchema, type HostDone } from './host-config.ts';

const [raw] = process.argv.slice(2);
if (!raw) {
  console.error('usage: host-main <config JSON>');
  process.exit(2);
}
const config = hostConfigSchema.parse(JSON.parse(raw));

type Run = (input: unknown) => Promise<Omit<HostDone, 'done'>>;
let run: Run;
let stop: () => Promise<void>;
if (config.mode === 'saga') {
  const clients = createAwsClients({ kind: 'local', endpoints: config.endpoints }, undefined, faultsFromEnv());
  const trace = new FileTraceSink(path.join(config.dir, `durable-host-${process.pid}.jsonl`));
  const durable = await startLocalDurable(clients, { tables: config.tables }, trace);
  const meter = flushMeterEvery(path.join(config.dir, `durable-host-${process.pid}.meter.json`), clients.meter, 1000, trace);
  run = async (input) => {
    const { end, usage } = await durable.run(input as OrderDocument); // run() parses it
    // The saga's result always holds its status locally; UNKNOWN would be a result of another shape.
    return {
      status: end.status ?? 'UNKNOWN',
      terminalAt: end.terminalAt,
      ...(end.detail ? { detail: end.detail } : end.status ? {} : { detail: 'the saga returned no order status' }),
      usage,
    };
  };
  stop = async () => {
    await durable.stop();
    meter.close();
    clients.destroy();
  };
} else {
  const hops = config.hops;
  const release = await acquireDurableEnvironment();
  const handler = withDurableExecution(async (_input: unknown, context) => {
    for (let hop = 1; hop <= hops; hop++) await context.step(`hop-${hop}`, async () => hop);
    return hops;
  });
  run = async (input) => {
    const execution = await new LocalDurableTestRunner({ handlerFunction: handler }).run({ payload: input });
    return { status: execution.getStatus() === 'SUCCEEDED' ? 'DONE' : 'FAILED', terminalAt: Date.now() };
  };
  stop = release;
}

const running = new Set<Promise<void>>();
createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, input } = JSON.parse(line) as { id: string; input: unknown };
  const p = run(input).then(
    (r) => answer({ done: id, ...r }),
    (err: Error) => answer({ done: id, status: `EXECUTION_${err.name}`, terminalAt: Date.now(), detail: err.message }),
  );
  running.add(p);
  void p.finally(() => running.delete(p));
});
const answer = (d: HostDone) => void process.stdout.write(`${JSON.stringify(d)}\n`);

onParentGone(async () => {
  await Promise.all(running);
  await stop();
});
process.stdout.write(`${JSON.stringify({ ready: 'durable-host', pid: process.pid })}\n`);
