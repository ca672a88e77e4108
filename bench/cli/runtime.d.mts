/** Why this Node cannot run sagabench, or null when it can. */
export function runtimeProblem(version: string): string | null;
export const MIN_NODE: readonly [number, number];
