import type { TestProject } from 'vitest/node';
import { down, up } from '../substrate.ts';
import { freePort, freePortRun } from '../processes.ts';
import type { SubstrateState } from '../state.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    substrate: SubstrateState;
  }
}

// Own name per concurrent run (e.g. two checkouts testing at once), or they would stop each other's engines;
// and per lane (vitest.config.ts), whose two processes run side by side.
const BASE = process.env.SAGABENCH_TEST_INSTANCE ?? 'test';

/**
 * The tests run against the real engines: one substrate instance of their own,
 * on free ports so a developer's `local up` can keep running beside it, and
 * stopped (and checked gone) after the run, however the run ends.
 */
export default async function setup(project: TestProject) {
  // Setup runs once per vitest process, for the root project: the lanes it runs are the ones selected.
  const INSTANCE = `${BASE}-${project.vitest.projects.map((p) => p.name).join('-')}`;
  // npm may run on an older system Node; this line shows which Node the tests themselves run on.
  console.error(`[substrate] tests run on Node ${process.version} (${process.execPath})`);
  await down(INSTANCE);
  project.provide('substrate', await upOnFreePorts(INSTANCE));
  return async () => {
    await down(INSTANCE);
  };
}

/**
 * The ports are free when chosen, but the other lane (and the commands its tests start) choose
 * theirs at the same moment: one may bind a port this start chose before its engine does. The
 * start then fails on "address in use" (it never takes another's engine for its own); with ports
 * chosen here rather than by a user, that is a lost race, so it chooses again.
 */
async function upOnFreePorts(instance: string): Promise<SubstrateState> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { state } = await up({
        instance,
        motoPort: await freePortRun(3),
        motoLayout: 'split',
        temporalPort: await freePort(),
        ui: false,
        uiPort: 0,
        ownerPid: process.pid,
        log: (l) => console.error(`[substrate] ${l}`),
      });
      return state;
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test(String(err))) throw err;
      console.error(`[substrate] lost a race for a port (attempt ${attempt}); choosing others`);
      await down(instance);
    }
  }
}
