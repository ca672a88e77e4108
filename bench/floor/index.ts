// The substrate floor: per variant, the same number of hops through the same
// engine with no domain logic, so a variant's latency can be read against it.
export { choreographyFloor } from './choreography.ts';
export { stepFunctionsFloor } from './stepfunctions.ts';
export { temporalFloor } from './temporal.ts';
export type { FloorTarget } from './process.ts';
