#!/usr/bin/env -S node --max-semi-space-size=16 --no-memory-reducer
// --max-semi-space-size: V8 grows the young generation (where short-lived objects die) up to
// 2 x 64 MB when the harness allocates fast, as it does reading back a long run's histories and
// tables and drawing the report, while the data it holds stays near 60 MB (bench/measurement-log.md, "a long run").
// Capped at 2 x 16 MB; the old generation, where held data lives, is not capped.
// --no-memory-reducer: at one client the harness looks idle to V8, whose memory reducer then ran a
// full mark-compact of its ~50 MB heap every few seconds to shrink it (60-160 ms of main-thread
// pause plus as much incremental marking each, 70 % of the harness's CPU in a measured 1-client
// level: bench/measurement-log.md, issue #16's sixth pass). The heap still shrinks at the ordinary full GCs.
// The project ships TypeScript sources only and Node 24 runs them as they are (it strips
// the types; tsconfig's erasableSyntaxOnly keeps the sources to what it can strip), so there
// is no build step between a fresh clone and a working `npx sagabench`, and no loader hook
// in this process or the ones it starts (tsx's cost about 0.4 s of CPU per process start).
import module from 'node:module';
import { runtimeProblem } from './runtime.mjs';

const problem = runtimeProblem(process.version);
if (problem) {
  console.error(`sagabench: ${problem}`);
  process.exit(1);
}
// Each process a command starts (the variants' services and workers, floors, children) is a fresh
// Node that would compile the same modules again (the AWS and Temporal SDKs, the project's sources):
// Node's compile cache keeps V8's code and the type-stripped TypeScript on disk, keyed by each file's
// content, and the processes started from here inherit it through the environment.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE moves it.
const { compileCacheDir } = await import('../../shared/paths.ts');
process.env.NODE_COMPILE_CACHE ??= compileCacheDir();
module.enableCompileCache?.();
// The redelivery setting is read when the topology loads, here and in every process a command starts:
// a bad value is refused before anything else loads (the module imports only the pure retry policy, so its only error is that).
try {
  await import('../../shared/topology/redelivery.ts');
} catch (err) {
  console.error(`sagabench: ${err.message}`);
  process.exit(2);
}
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
