#!/usr/bin/env -S node --max-semi-space-size=16 --no-memory-reducer --heap-growing-percent=50
// --max-semi-space-size: V8 grows the young generation (where short-lived objects die) up to
// 2 x 64 MB when the harness allocates fast, as it does reading back a long run's histories and
// tables and drawing the report, while the data it holds stays near 60 MB (README, "a long run").
// Capped at 2 x 16 MB; the old generation, where held data lives, is not capped.
// --no-memory-reducer: at one client the harness looks idle to V8, whose memory reducer then ran a
// full mark-compact of its ~50 MB heap every few seconds to shrink it (60-160 ms of main-thread
// pause plus as much incremental marking each, 70 % of the harness's CPU in a measured 1-client
// level: README, issue #16's sixth pass). The heap still shrinks at the ordinary full GCs.
// --heap-growing-percent=50: after a full GC the old generation may grow by half its live size before
// the next. V8 sizes that room by the allocation rate, and a harness at one client allocates slowly,
// so it got the 8-MB minimum: a full GC (~100 ms of main-thread marking at load 10) every 8 MB that
// the levels' own setup and records promoted. At ~45 MB live this is ~22 MB of room, the heap's
// price for it; allocation-heavy phases (reading back a long run) get less room than V8 gave them.
// The project ships TypeScript sources only; tsx compiles them on load so there
// is no build step between a fresh clone and a working `npx sagabench`.
import { runtimeProblem } from './runtime.mjs';

const problem = runtimeProblem(process.version);
if (problem) {
  console.error(`sagabench: ${problem}`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
