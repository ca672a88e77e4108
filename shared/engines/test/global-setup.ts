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
  const motoPort = await freePortRun(3);
  const { state } = await up({
    instance: INSTANCE,
    motoPort,
    motoLayout: 'split',
    temporalPort: await freePort(),
    ui: false,
    uiPort: 0,
    ownerPid: process.pid,
    log: (l) => console.error(`[substrate] ${l}`),
  });
  project.provide('substrate', state);
  return async () => {
    await down(INSTANCE);
  };
}
