// Runs in Temporal's deterministic sandbox: only @temporalio/workflow may be imported.
import { proxyActivities } from '@temporalio/workflow';

/** The activity the floor worker registers: it does nothing, so only the engine's round trip is left. */
export interface FloorActivities {
  hop(): Promise<void>;
}

// The variant's start-to-close timeout; no retry options, since a no-op does not fail.
const { hop } = proxyActivities<FloorActivities>({ startToCloseTimeout: '30 seconds' });

/** `hops` no-op activities one after another: the Temporal floor's chain. */
export async function floorChain(hops: number): Promise<number> {
  for (let i = 0; i < hops; i++) await hop();
  return hops;
}
