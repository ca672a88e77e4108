#!/usr/bin/env node
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
