import { ContractError } from '../../shared/domain/contracts.ts';
import type { AwsClients } from '../../shared/aws/clients.ts';
import type { OrderDocument } from '../../shared/domain/contracts.ts';
import type { VariantTarget } from '../../shared/variant/target.ts';
import { FAULT_SETTINGS, type Fault } from './catalog.ts';
import { badOrders, injectPoison } from './poison.ts';

export interface FaultWindow {
  fault: Fault;
  /** False when the run ended before the fault's moment came (too few orders). */
  fired: boolean;
  /** Epoch ms the fault began and ended (the whole run for throttle and duplicate, which act on every call). */
  startedAt: number;
  endedAt: number;
  poisonInjected: number;
  /** Duplicate fault: the duplicates actually sent, counted where they were sent; `fired` follows it. */
  duplicatesSent: number;
  /** Throttle fault: the calls actually throttled, counted by the variant's meters; `fired` follows it. */
  throttledCalls: number;
  edge: { tried: number; refused: number; refusedIds: string[]; otherErrors: string[] };
}

/**
 * Fires one fault into a running variant once enough of the measured orders
 * are done, so there is work in flight to hit and work after it to recover.
 * `settled` resolves when the fault is over (the process restarted, resumed).
 */
export function armFault(fault: Fault, target: VariantTarget, harness: AwsClients, sample: OrderDocument, runStartedAt: number) {
  const window: FaultWindow = {
    fault,
    // A throttle or a duplicate has fired once one was counted where it happened (see countInjected).
    fired: false,
    startedAt: runStartedAt,
    endedAt: runStartedAt,
    poisonInjected: 0,
    duplicatesSent: 0,
    throttledCalls: 0,
    edge: { tried: 0, refused: 0, refusedIds: [], otherErrors: [] },
  };
  let fired: Promise<void> | undefined;
  const fire = async () => {
    window.fired = true;
    window.startedAt = Date.now();
    if (fault === 'crash') {
      await target.group.crash(target.faultProcess);
      await new Promise((r) => setTimeout(r, FAULT_SETTINGS.crashRestartMs));
      await target.group.restart(target.faultProcess);
    } else if (fault === 'pause') {
      target.group.pause(target.faultProcess);
      await new Promise((r) => setTimeout(r, FAULT_SETTINGS.pauseMs));
      target.group.resume(target.faultProcess);
    } else if (fault === 'poison') {
      window.poisonInjected = await injectPoison(harness, target.workQueues);
      for (const { order } of badOrders(sample)) {
        window.edge.tried++;
        const id = (order as { orderId: string }).orderId;
        try {
          await target.submit(id, order as OrderDocument);
        } catch (err) {
          // Refused means the edge's validation said no; a network error or a crash there proves nothing.
          if (!(err instanceof ContractError)) {
            window.edge.otherErrors.push(`${id}: ${(err as Error).message}`);
            continue;
          }
          window.edge.refused++;
          window.edge.refusedIds.push(id);
        }
      }
    }
    window.endedAt = Date.now();
  };
  return {
    window,
    onProgress(done: number, total: number) {
      if (!fired && (fault === 'crash' || fault === 'pause' || fault === 'poison') && done >= Math.ceil(total * FAULT_SETTINGS.atProgress))
        fired = fire();
    },
    /**
     * What the variant's processes counted: the duplicates they and the harness (a start sent twice)
     * actually sent, and the calls their meters saw throttled.
     */
    countInjected(counted: { duplicatesSent: number; throttledCalls: number }) {
      if (fault === 'duplicate') {
        window.duplicatesSent = counted.duplicatesSent;
        window.fired = counted.duplicatesSent > 0;
      } else if (fault === 'throttle') {
        window.throttledCalls = counted.throttledCalls;
        window.fired = counted.throttledCalls > 0;
      }
    },
    /** Waits for the fault to be over; call after the load ended. */
    async settled(runEndedAt: number): Promise<FaultWindow> {
      if (fired) await fired;
      else if (fault === 'throttle' || fault === 'duplicate') window.endedAt = runEndedAt;
      return window;
    },
  };
}
