import type { VariantName } from './drivers/driver.ts';
import type { BenchConfig } from './config.ts';
import type { Progress } from './progress.ts';
import type { LevelRun } from './run-level.ts';

export async function measureCoupling(_opts: { variant: VariantName; runs: LevelRun[]; config: BenchConfig; progress: Progress }): Promise<unknown> {
  return null;
}
