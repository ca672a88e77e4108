import { z } from 'zod';

/**
 * Dynamic coupling: how much the components talk while an order runs, from the
 * run's own data (metered AWS calls and step traces). Pure: no clock, no I/O.
 */
export const dynamicInputSchema = z.object({
  /** Orders submitted in the run: the denominator of every per-order figure. */
  orders: z.number().int().nonnegative(),
  /** The variant's metered AWS calls (Meter.snapshot(), extra fields ignored). */
  metered: z.array(
    z.object({
      service: z.string(),
      operation: z.string(),
      calls: z.number().nonnegative(),
      /** Entries a batch call carried (PutEvents), where the meter counts them. */
      items: z.number().nonnegative().optional(),
    }),
  ),
  traces: z.array(
    z.object({
      orderId: z.string(),
      step: z.string(),
      service: z.string(),
      start: z.number(),
      end: z.number(),
      attempt: z.number().int().optional(),
    }),
  ),
  /** Queue, topic, state machine and task queue names the variant used. */
  channels: z.array(z.string()),
  /**
   * Messages that went through a workflow engine and so never reach the AWS
   * meter, as a run total (for Temporal: activity tasks, e.g. the sum of
   * countActions().activitiesScheduled + activityRetries). Default 0, so by default the figure is
   * broker messages only.
   */
  unmeteredMessages: z.number().int().nonnegative().optional(),
  /** Orders that completed without a failure; when absent, see happyOrders(). */
  happyOrderIds: z.array(z.string()).optional(),
});
export type DynamicInput = z.infer<typeof dynamicInputSchema>;
type Trace = DynamicInput['traces'][number];

export const dynamicCouplingSchema = z.object({
  /** (publishes + sends + taskCallbacks + unmetered) / orders; see MESSAGE_OPERATIONS. */
  messagesPerOrder: z.number().nonnegative(),
  /** Run totals behind messagesPerOrder. */
  messages: z.object({
    publishes: z.number().nonnegative(),
    sends: z.number().nonnegative(),
    taskCallbacks: z.number().nonnegative(),
    unmetered: z.number().nonnegative(),
  }),
  distinctChannels: z.number().int().nonnegative(),
  /** Longest chain of strictly successive steps in the median happy order's trace (0 when there is none). */
  criticalPathHops: z.number().int().nonnegative(),
  criticalPathOrderId: z.string().nullable(),
  /** Mean number of distinct services in an order's trace, over the traced orders. */
  servicesTouchedPerOrder: z.number().nonnegative(),
});
export type DynamicCoupling = z.infer<typeof dynamicCouplingSchema>;

/**
 * What counts as one message: one client call that hands a message to a
 * broker or answers one.
 *  - publishes: sns Publish / PublishBatch (one per call: the meter counts
 *    calls, not batch entries; nothing in the code batches today). SNS's
 *    fan-out to the subscribed queues is the bus's work, not another send.
 *    EventBridge PutEvents counts its entries (one event each; a call carries
 *    up to ten): rule delivery to the queues is the bus's work, likewise.
 *  - sends: sqs SendMessage / SendMessageBatch (per call, as above): the
 *    drivers' order submissions and anything else put on a queue by our code.
 *  - taskCallbacks: sfn SendTaskSuccess / SendTaskFailure, a worker's answer to
 *    a Step Functions task. The task message itself is sent by the Step
 *    Functions service (sqs:sendMessage.waitForTaskToken), not by a metered
 *    client, so it is not counted; there is exactly one per callback, so a
 *    reader wanting both directions can double this figure.
 * StartExecution, receives, deletes and visibility changes are not messages
 * between components (they start or consume one) and do not count.
 */
export const MESSAGE_OPERATIONS = {
  publishes: { sns: ['Publish', 'PublishBatch'], events: ['PutEvents'] },
  sends: { sqs: ['SendMessage', 'SendMessageBatch'] },
  taskCallbacks: { sfn: ['SendTaskSuccess', 'SendTaskFailure'] },
} as const satisfies Record<string, Record<string, readonly string[]>>;

/** Batch entries count one message each: the operations the meter itemizes. */
const PER_ENTRY = new Set(['events.PutEvents']);

function callsOf(metered: DynamicInput['metered'], ops: Record<string, readonly string[]>): number {
  return metered
    .filter((m) => ops[m.service]?.includes(m.operation))
    .reduce((s, m) => s + (PER_ENTRY.has(`${m.service}.${m.operation}`) ? (m.items ?? m.calls) : m.calls), 0);
}

function byOrder(traces: readonly Trace[]): Map<string, Trace[]> {
  const m = new Map<string, Trace[]>();
  for (const t of traces) m.set(t.orderId, [...(m.get(t.orderId) ?? []), t]);
  return m;
}

/**
 * Without explicit ids, an order is happy when its trace reached notifications
 * (only a completed order notifies the customer) and no step needed a retry.
 */
export function happyOrders(traces: readonly Trace[]): string[] {
  return [...byOrder(traces)]
    .filter(([, steps]) => steps.some((s) => s.service === 'notifications') && steps.every((s) => (s.attempt ?? 1) <= 1))
    .map(([id]) => id);
}

/**
 * Sequential hops in one trace: the longest chain of steps in which each
 * starts at or after the end of the one before it. For a purely sequential
 * trace that is simply its step count; steps that overlap (the choreography's
 * orders service observing an event while the next service reacts to it) run
 * in parallel and add no hop. Starting in the same millisecond as the
 * previous end counts as after: Date.now() has 1 ms resolution.
 */
export function sequentialHops(steps: readonly Pick<Trace, 'start' | 'end'>[]): number {
  const s = [...steps].sort((a, b) => a.start - b.start || a.end - b.end);
  const best: number[] = [];
  for (let i = 0; i < s.length; i++) {
    best[i] = 1;
    for (let j = 0; j < i; j++) if (s[j]!.end <= s[i]!.start) best[i] = Math.max(best[i]!, best[j]! + 1);
  }
  return best.length ? Math.max(...best) : 0;
}

export function dynamicCoupling(input: DynamicInput): DynamicCoupling {
  const { orders, metered, traces, channels } = input;
  const messages = {
    publishes: callsOf(metered, MESSAGE_OPERATIONS.publishes),
    sends: callsOf(metered, MESSAGE_OPERATIONS.sends),
    taskCallbacks: callsOf(metered, MESSAGE_OPERATIONS.taskCallbacks),
    unmetered: input.unmeteredMessages ?? 0,
  };
  const total = messages.publishes + messages.sends + messages.taskCallbacks + messages.unmetered;

  const perOrder = byOrder(traces);
  const happy = (input.happyOrderIds ?? happyOrders(traces)).filter((id) => perOrder.has(id));
  // The median happy order by end-to-end span (lower median, ties by id, so the pick is deterministic).
  const span = (id: string) => {
    const steps = perOrder.get(id)!;
    return Math.max(...steps.map((s) => s.end)) - Math.min(...steps.map((s) => s.start));
  };
  const ranked = happy.map((id) => ({ id, span: span(id) })).sort((a, b) => a.span - b.span || a.id.localeCompare(b.id));
  const median = ranked[Math.floor((ranked.length - 1) / 2)];

  const touched = [...perOrder.values()].map((steps) => new Set(steps.map((s) => s.service)).size);
  return {
    messagesPerOrder: orders > 0 ? total / orders : 0,
    messages,
    distinctChannels: new Set(channels.filter((c) => c.length > 0)).size,
    criticalPathHops: median ? sequentialHops(perOrder.get(median.id)!) : 0,
    criticalPathOrderId: median?.id ?? null,
    servicesTouchedPerOrder: touched.length ? touched.reduce((a, b) => a + b, 0) / touched.length : 0,
  };
}
