import fs from 'node:fs';
import path from 'node:path';
import { runDir } from '../../../shared/paths.ts';
import { createAwsClients } from '../../../shared/aws/clients.ts';
import { faultsFromEnv } from '../../../shared/aws/faults.ts';
import { parseOrderDocument } from '../../../shared/domain/contracts.ts';
import { FileTraceSink } from '../../../shared/messaging/trace.ts';
import type { LocalRun } from '../../../shared/variant/variant.ts';
import { PendingCompletions } from '../../../shared/variant/pending.ts';
import { readProcessReports, type VariantTarget } from '../../../shared/variant/target.ts';
import { ProcessGroup } from '../../../shared/runtime/process-group.ts';
import { startLocalDurable, type ExecutionUsage } from '../local.ts';

/**
 * The durable saga under load: each accepted order runs as one durable execution in
 * the harness's process (the testing SDK's local runner; there is no local Lambda).
 * The services' calls are real and metered on the variant's own clients; the terminal
 * time is when the execution returned, after its last checkpoint.
 */
export async function lambdaDurableTarget(run: LocalRun): Promise<VariantTarget> {
  const { clients, prefix } = run;
  const dir = path.join(runDir(), 'traces', prefix);
  fs.mkdirSync(dir, { recursive: true });
  const trace = new FileTraceSink(path.join(dir, `durable-${process.pid}.jsonl`));
  if (clients.target.kind !== 'local') throw new Error('the local durable target runs on the local substrate');
  // The steps' clients take the client faults a run hands its variant's processes (the environment at start):
  // here the "process" is the in-process runner. Same meter: the calls are the variant's own.
  const stepClients = createAwsClients(clients.target, clients.meter, faultsFromEnv());
  const durable = await startLocalDurable(stepClients, prefix, trace);
  const pending = new PendingCompletions();
  const started = new Set<string>();
  const running: Promise<void>[] = [];
  const totals = { executions: 0, operations: 0, retries: 0, dataWrittenBytes: 0, checkpointed: 0 };
  const add = (u: ExecutionUsage) => {
    totals.executions++;
    totals.operations += u.operations;
    totals.retries += u.retries;
    totals.dataWrittenBytes += u.dataWrittenBytes;
    totals.checkpointed += u.checkpointed;
  };
  const start = async (input: Parameters<VariantTarget['submit']>[1]) => {
    const order = parseOrderDocument(input);
    // The execution name is the order id: a client retry of a started order is refused, as Invoke refuses it on AWS.
    if (started.has(order.orderId)) return;
    started.add(order.orderId);
    running.push(
      durable.run(order).then(
        ({ result, usage, endedAt }) => {
          add(usage);
          pending.resolve({ id: order.orderId, status: result.status, terminalAt: endedAt });
        },
        (err: Error) => pending.resolve({ id: order.orderId, status: `EXECUTION_${err.name}`, terminalAt: Date.now() }),
      ),
    );
  };
  return {
    name: 'lambda-durable',
    tables: durable.tables,
    submit: (_id, order) => start(order),
    submitDuplicate: start,
    awaitTerminal: (id) => pending.wait(id),
    // No process of its own: the runner is in the harness's process, so crash and pause faults have nothing to hit.
    group: await ProcessGroup.start([]),
    faultProcess: '',
    dlqs: [],
    workQueues: [],
    async stop() {
      await Promise.all(running);
      await durable.stop();
      stepClients.destroy();
      const own = readProcessReports(dir);
      return {
        metered: clients.meter.snapshot(),
        traces: own.traces,
        observationFailures: own.observationFailures,
        durable: { ...totals },
        channels: [],
        dlqs: [],
        binding: 'local durable runner (simulated orchestration)',
        processes: 0,
      };
    },
  };
}
