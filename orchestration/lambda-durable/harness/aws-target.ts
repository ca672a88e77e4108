import {
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  InvokeCommand,
  LambdaClient,
  type Event,
} from '@aws-sdk/client-lambda';
import { HTTP_TIMEOUTS } from '../../../shared/aws/clients.ts';
import { meteringPlugin } from '../../../shared/aws/metering.ts';
import { createProviderClients } from '../../../shared/aws/provider/clients.ts';
import { tableReader } from '../../../shared/variant/snapshot.ts';
import { awsDeploymentProcesses } from '../../../shared/variant/aws-deployed.ts';
import type { VariantTarget } from '../../../shared/variant/target.ts';
import type { AwsRun } from '../../../shared/variant/variant.ts';
import { usageOfHistory } from '../history.ts';
import { watchDescribedExecutions } from './described-executions.ts';
import { durableDrive } from './drive.ts';

/**
 * The durable saga on its AWS deployment (`bench --target aws`): each order is one durable
 * execution of the recorded alias, started by an asynchronous Invoke (`Event`: a saga that waits
 * out a retry is not held by a caller) named by the order id, so a client's second start of the
 * same order gets the existing execution back, as the execution name promises. Its end comes
 * from paced GetDurableExecution (the execution's own end timestamp), its usage from each
 * execution's GetDurableExecutionHistory at stop, through the same derivations as the local
 * runner's (history.ts). The saga's own calls run inside Lambda: they are counted provider-side.
 */
export async function lambdaDurableAwsTarget(run: AwsRun<{ functionName?: string; functionAliasArn?: string }>): Promise<VariantTarget> {
  const fn = run.resources.functionAliasArn;
  // Checked by the plan before anything is placed; here so that no caller can skip it.
  if (!fn) throw new Error('--target aws: the lambda-durable record names no function alias; redeploy it');
  // The edge's Invoke, on the variant's meter as StartExecution is for Step Functions; the SDK's chain in the record's region.
  const edge = new LambdaClient({ requestHandler: HTTP_TIMEOUTS, region: run.region });
  edge.middlewareStack.use(meteringPlugin(run.clients.meter, 'lambda'));
  // The harness's reads (ends, histories): never on the variant's bill.
  const reads = createProviderClients({ kind: 'aws', region: run.region });
  const processes = await awsDeploymentProcesses();
  const read = tableReader(run.harness, run.tables);
  const arns = new Map<string, string>();
  // Every execution Invoke answered with: a second start that got a new one (not the idempotent start the name
  // promises) is counted and billed, not hidden behind its order's first.
  const executions = new Set<string>();
  const drive = durableDrive(async (order) => {
    const out = await edge.send(
      new InvokeCommand({
        FunctionName: fn,
        InvocationType: 'Event',
        DurableExecutionName: order.orderId,
        Payload: Buffer.from(JSON.stringify(order)),
      }),
    );
    if (!out.DurableExecutionArn) throw new Error(`Invoke of ${fn} returned no durable execution for ${order.orderId}`);
    // The same name and payload return the running execution: its ARN is the one already held.
    if (!arns.has(order.orderId)) arns.set(order.orderId, out.DurableExecutionArn);
    executions.add(out.DurableExecutionArn);
  });
  const watcher = watchDescribedExecutions({
    describe: (arn, signal) =>
      reads.lambda.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn, IncludeExecutionData: true }), { abortSignal: signal }),
    awaited: drive.awaited,
    arnOf: (id) => arns.get(id),
    // A result that is not there to read (cut short, or no data) leaves the order's status to its table.
    onEnded: async (id, end) => drive.ended(id, end.status ?? (await read.statusOf(id)) ?? 'UNKNOWN', end.terminalAt, end.detail),
  });
  return {
    name: 'lambda-durable',
    tables: run.tables,
    submit: drive.submit,
    submitDuplicate: drive.submitDuplicate,
    awaitTerminal: drive.awaitTerminal,
    group: processes.group,
    faultProcess: 'lambda',
    dlqs: [],
    workQueues: [],
    async stop() {
      await watcher.stop();
      await processes.stop();
      try {
        for (const arn of executions) drive.counted(usageOfHistory(await fullHistory(reads.lambda, arn)));
      } finally {
        edge.destroy();
        reads.destroy();
      }
      return {
        metered: run.clients.meter.snapshot(),
        traces: [],
        observationFailures: 0,
        durable: drive.totals(),
        channels: [fn],
        dlqs: [],
        binding: `lambda durable function (${fn}; Invoke Event, execution name = order id)`,
        processes: 0,
      };
    },
  };
}

/** Every event of one execution's history, page by page (up to 1,000 a page), execution data included: the bytes written are read from it. */
async function fullHistory(lambda: LambdaClient, arn: string): Promise<Event[]> {
  const events: Event[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(
      new GetDurableExecutionHistoryCommand({
        DurableExecutionArn: arn,
        IncludeExecutionData: true,
        MaxItems: 1000,
        ...(marker ? { Marker: marker } : {}),
      }),
    );
    events.push(...(page.Events ?? []));
    marker = page.NextMarker;
  } while (marker);
  return events;
}
