import type { OrderStatus } from '../../shared/domain/order.ts';
import { withFaultsInChildren } from '../../shared/aws/faults.ts';
import { FAULT_SETTINGS, type Fault } from './catalog.ts';
import type { FaultWindow } from './inject.ts';

/**
 * Starts a variant with client faults switched on in its processes: they read
 * them from the environment they inherit. Only the variant's own processes get
 * them; the harness's clients and the edge that accepts orders do not.
 */
export async function withClientFaults<T>(fault: Fault | undefined, seed: number, start: () => Promise<T>): Promise<T> {
  if (fault !== 'throttle' && fault !== 'duplicate') return start();
  return withFaultsInChildren(
    {
      throttlePct: fault === 'throttle' ? FAULT_SETTINGS.throttlePct : 0,
      duplicatePct: fault === 'duplicate' ? FAULT_SETTINGS.duplicatePct : 0,
      seed,
    },
    start,
  );
}

/** The guarantees particular to a fault, on top of the run's usual invariants. */
export async function faultChecks(
  fault: FaultWindow,
  dlq: { queue: string; messages: number }[],
  statusOf: (orderId: string) => Promise<OrderStatus | undefined>,
): Promise<{ name: string; ok: boolean; detail: string }[]> {
  const checks = [
    {
      name: `fault ${fault.fault} was injected`,
      ok: fault.fired,
      detail:
        fault.fault === 'duplicate'
          ? `${fault.duplicatesSent} duplicate deliveries sent`
          : fault.fault === 'throttle'
            ? `${fault.throttledCalls} calls throttled`
            : fault.fired
              ? 'yes'
              : 'the run ended before the fault was due; use more orders',
    },
  ];
  if (fault.fault === 'poison') {
    const inDlq = dlq.reduce((s, d) => s + d.messages, 0);
    checks.push({
      name: 'poison isolated in dead-letter queues',
      ok: inDlq === fault.poisonInjected,
      detail: `${fault.poisonInjected} injected, ${inDlq} in DLQs`,
    });
    const written: string[] = [];
    for (const id of fault.edge.refusedIds) if ((await statusOf(id)) !== undefined) written.push(id);
    checks.push({
      name: 'malformed orders refused at the edge, nothing written',
      ok: fault.edge.refused === fault.edge.tried && written.length === 0,
      detail:
        `${fault.edge.refused}/${fault.edge.tried} refused by validation` +
        (written.length ? `; written anyway: ${written.join(', ')}` : '') +
        (fault.edge.otherErrors.length ? `; failed otherwise (not a refusal): ${fault.edge.otherErrors.slice(0, 3).join('; ')}` : ''),
    });
  }
  return checks;
}
