import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { parseEvent, type DomainEvent } from '../../shared/domain/contracts.ts';
import { provisionLocal, startLocal } from '../local.ts';
import { DuplicateOrderError } from '../orders/orders-service.ts';
import { ordersApiClient } from '../orders/api.ts';
import { PendingCompletions } from '../../shared/variant/pending.ts';
import { readProcessReports, type VariantTarget } from '../../shared/variant/target.ts';
import { deploymentProcesses } from '../../shared/variant/deployed.ts';
import type { AwsRun, DeployedRun } from '../../shared/variant/variant.ts';
import { awsDeploymentProcesses } from '../../shared/variant/aws-deployed.ts';
import { choreographyDeps } from '../deps.ts';
import { roundTimes, timeCalls } from '../../shared/aws/call-timing.ts';
import type { Accepted } from '../../shared/variant/load-target.ts';
import { ProcessGroup } from '../../shared/runtime/process-group.ts';
import type { ChoreographyConfig } from '../config.ts';
import { mergeCounts } from '../../shared/aws/metering.ts';
import type { BusKind } from '../../shared/engines/provision.ts';

const POLL_ERROR_PAUSE_MS = 500;
/**
 * The completions long poll. A receive returns as soon as a completion arrives (moto wakes a waiting
 * receive on each send, as SQS does), so the wait only bounds how often an idle queue is asked again:
 * at 1 s, a receive a second whenever no order was ending, each an SDK call on the harness's CPU.
 * `stop` aborts the one in flight.
 */
const COMPLETIONS_WAIT_SECONDS = 10;
/**
 * Received completions are deleted ten at a time, or once this long has passed: well inside the
 * queue's visibility timeout (30 s) even after a whole idle wait, so none is received twice.
 */
const DELETE_EVERY_MS = 5000;

const TERMINAL = { OrderCompleted: 'COMPLETED', OrderRejected: 'REJECTED', OrderCancelled: 'CANCELLED' } as const;

/**
 * The choreography under load, on the bus it is given (SNS or EventBridge): its five service
 * processes, orders placed through the orders process's API (one HTTP call per order), and
 * completions read by the harness from the completions subscription. An order's
 * terminal time is when the orders service decided it (the event's occurredAt),
 * not when the harness happened to read the event.
 */
export async function choreographyTarget(
  variantClients: AwsClients,
  harness: AwsClients,
  prefix: string,
  bus: BusKind = 'sns',
  name = 'choreography',
): Promise<VariantTarget> {
  const config = await provisionLocal(variantClients, prefix, bus);
  const variant = await startLocal(variantClients, config);
  return drive(
    variantClients,
    harness,
    config,
    {
      ...variant,
      report: () => readProcessReports(config.traceDir),
    },
    name,
    bus,
  );
}

/**
 * The choreography of a recorded local deployment (`bench --deployed`), on the bus it was
 * deployed with: its service processes already run under the deployment's host and keep
 * counting across runs, so this run's calls are their meters' growth since it began, and
 * its traces those of the orders it placed.
 */
export async function choreographyDeployedTarget(
  run: DeployedRun<{ queues: ChoreographyConfig['queues'] } & ({ topicArn: string } | { busArn: string })>,
  bus: BusKind = 'sns',
  name = 'choreography',
): Promise<VariantTarget> {
  if (run.clients.target.kind !== 'local') throw new Error('a local deployment runs on the local substrate');
  const r = run.resources;
  const config: ChoreographyConfig = {
    prefix: run.prefix,
    endpoints: run.clients.target.endpoints,
    busArn: 'topicArn' in r ? r.topicArn : r.busArn,
    queues: r.queues,
    tables: run.tables,
    traceDir: run.traceDir,
  };
  return drive(run.clients, run.harness, config, { ...(await deploymentProcesses(run.traceDir)), pids: [] }, name, bus);
}

/**
 * The choreography deployed on AWS (`bench --target aws`), on the bus it was deployed with.
 * Its stacks have no orders API: locally the edge is the orders process's HTTP API, which runs
 * OrdersService.placeOrder (the event store's append with its outbox item) and answers. On AWS
 * the harness runs that same call itself, with the run's metered clients in the record's region,
 * and the stack's outbox publisher (on the event store's stream) publishes the OrderPlaced it
 * wrote: the same code, the same writes, one hop fewer than an API in front of it would add
 * (the binding says so). Completions are read from the stack's completions queue, as locally.
 */
export async function choreographyAwsTarget(
  run: AwsRun<{ queues: ChoreographyConfig['queues'] } & ({ topicArn: string } | { busArn: string })>,
  bus: BusKind = 'sns',
  name = 'choreography',
): Promise<VariantTarget> {
  const r = run.resources;
  const busArn = 'topicArn' in r ? r.topicArn : r.busArn;
  if (!r.queues.completions) throw new Error(`the ${name} record names no completions queue`);
  // No publish on commit: on AWS the stream's publisher owns the outbox, and publishing here too would send each event twice.
  const { orders } = choreographyDeps(run.clients, run.tables, busArn);
  const config = { prefix: run.prefix, busArn, queues: r.queues, tables: run.tables };
  return drive(
    run.clients,
    run.harness,
    config,
    { ...(await awsDeploymentProcesses()), pids: [] },
    name,
    bus,
    // The accept's own call times, as the orders API reports them locally.
    async (input) => ({ io: roundTimes((await timeCalls(() => orders.placeOrder(input))).io) }),
    `${bus === 'sns' ? 'sns-sqs' : 'eventbridge-sqs'} (AWS: orders placed by the orders service's placeOrder from the harness; no API in front)`,
  );
}

interface Running {
  group: ProcessGroup;
  pids: number[];
  stop(): Promise<void>;
  report(): ReturnType<typeof readProcessReports>;
  /** Filled with every order id placed, where the report needs them. */
  placed?: Set<string>;
  processes?: number;
}

async function drive(
  variantClients: AwsClients,
  harness: AwsClients,
  config: Pick<ChoreographyConfig, 'prefix' | 'busArn' | 'queues' | 'tables'> & { traceDir?: string },
  variant: Running,
  name: string,
  bus: BusKind,
  // Through the orders process's API by default: the harness only makes the call, as it does for the other variants.
  placeOrder: (input: unknown) => Promise<Accepted> = ordersApiClient(config.traceDir!),
  binding = bus === 'sns' ? 'sns-sqs' : 'eventbridge-sqs',
): Promise<VariantTarget> {
  const pending = new PendingCompletions();
  const queueUrl = config.queues.completions!.url;
  let stopped = false;
  const halt = new AbortController();
  // Deleted ten at a time (or after DELETE_EVERY_MS): at one client a delete per order would double the
  // harness's calls, and a completion read twice (its delete late) resolves nothing new.
  const received: string[] = [];
  let lastDelete = Date.now();
  const deleteReceived = async () => {
    lastDelete = Date.now();
    if (!received.length) return;
    const batch = received.splice(0, 10);
    await harness.sqs
      .send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((h, i) => ({ Id: String(i), ReceiptHandle: h })) }))
      .catch(() => undefined);
  };
  // Never a promise nobody awaits that can reject, and never a loop that spins: a failed receive
  // (an engine gone) pauses before the next, and a message that does not parse is skipped, not thrown.
  const poller = (async () => {
    while (!stopped) {
      let msgs: Message[];
      try {
        msgs =
          (
            await harness.sqs.send(
              new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: COMPLETIONS_WAIT_SECONDS }),
              { abortSignal: halt.signal },
            )
          ).Messages ?? [];
      } catch {
        if (!stopped) await sleep(POLL_ERROR_PAUSE_MS);
        continue;
      }
      for (const m of msgs) {
        let e: DomainEvent;
        try {
          e = parseEvent(m.Body!);
        } catch {
          continue;
        }
        if (e.type in TERMINAL)
          pending.resolve({ id: e.orderId, status: TERMINAL[e.type as keyof typeof TERMINAL], terminalAt: Date.parse(e.occurredAt) });
      }
      received.push(...msgs.map((m) => m.ReceiptHandle!));
      if (received.length >= 10 || Date.now() - lastDelete >= DELETE_EVERY_MS) await deleteReceived();
    }
    while (received.length) await deleteReceived();
  })().catch(() => undefined);
  const place = (o: Parameters<VariantTarget['submit']>[1]) => {
    variant.placed?.add(o.orderId);
    return placeOrder({
      orderId: o.orderId,
      customerId: o.customerId,
      lines: o.lines,
      paymentToken: o.paymentToken,
      shippingAddress: o.shippingAddress,
      ...(o.notes ? { notes: o.notes } : {}),
    });
  };
  return {
    name,
    tables: config.tables,
    submit: (_id, order) => place(order),
    async submitDuplicate(order) {
      try {
        await place(order);
      } catch (err) {
        if (!(err instanceof DuplicateOrderError)) throw err;
      }
    },
    awaitTerminal: (id) => pending.wait(id),
    group: variant.group,
    // The payments service: a crash there holds money-moving messages, the case users worry about.
    faultProcess: 'payments',
    dlqs: Object.values(config.queues).flatMap((q) => (q ? [q.dlqUrl] : [])),
    workQueues: Object.entries(config.queues).flatMap(([k, q]) => (q && k !== 'completions' ? [q.url] : [])),
    async stop() {
      stopped = true;
      await variant.stop();
      halt.abort();
      await poller;
      const own = variant.report();
      return {
        metered: mergeCounts(own.metered, variantClients.meter.snapshot()),
        traces: own.traces,
        observationFailures: own.observationFailures,
        duplicatesSent: own.duplicatesSent,
        // The completions subscription exists for the harness; it is not one of the variant's channels.
        channels: [config.busArn, ...Object.entries(config.queues).flatMap(([k, q]) => (q && k !== 'completions' ? [q.url] : []))],
        dlqs: Object.values(config.queues).flatMap((q) => (q ? [q.dlqUrl] : [])),
        binding,
        processes: variant.processes ?? variant.pids.length,
      };
    },
  };
}
