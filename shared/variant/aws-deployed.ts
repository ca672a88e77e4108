import { ProcessGroup } from '../runtime/process-group.ts';
import type { DeploymentProcesses } from './deployed.ts';

/**
 * What an AWS deployed target knows of the variant's processes: nothing runs here. Its
 * services run inside Lambda and ECS, out of reach of the harness's meter and trace files,
 * so the report holds no traces and only the edge's own calls (the target's metered clients);
 * the harness adds what the provider counted (bench/aws/provider-usage-run.ts).
 */
export async function awsDeploymentProcesses(): Promise<DeploymentProcesses> {
  return {
    group: await ProcessGroup.start([]),
    processes: 0,
    placed: new Set<string>(),
    stop: async () => {},
    report: () => ({ metered: [], traces: [], observationFailures: 0 }),
  };
}
