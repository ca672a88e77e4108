import { z } from 'zod';
import { provisionTables } from '../../../shared/engines/provision.ts';
import { OUTPUTS } from '../../../shared/topology/outputs.ts';
import type { Deployable } from '../../../shared/variant/deploy.ts';

export const resourcesSchema = z
  .object({
    variant: z.literal('lambda-durable'),
    /** AWS: the durable function. Locally there is none: the saga runs under the testing SDK's runner where orders are placed. */
    functionName: z.string().optional(),
    /** AWS: the alias executions are started on (Lambda runs none on an unqualified name); absent in a record written before it. */
    functionAliasArn: z.string().optional(),
  })
  .strict();
type Resources = z.infer<typeof resourcesSchema>;

export const deployable: Deployable<'lambda-durable', Resources> = {
  stack: 'lambda-durable',
  async cdkStack() {
    const { LambdaDurableStack } = await import('./stack.ts');
    return (scope, id, p) =>
      new LambdaDurableStack(scope, id, {
        prefix: p.prefix,
        stackName: p.stackName,
        tables: p.tables,
        description: p.describe('lambda-durable: the saga as a Lambda durable function'),
      });
  },
  needsDocker: false,
  resources: resourcesSchema,
  fromOutputs: (out) => ({
    variant: 'lambda-durable',
    functionName: out(OUTPUTS.functionName('saga')),
    functionAliasArn: out(OUTPUTS.functionAliasArn('saga')),
  }),
  provider: (r) => ({ functions: r.functionName ? [{ name: r.functionName, role: 'other' as const }] : [], topics: [], queues: [] }),
  local: {
    // Only the service tables exist locally: there is no local Lambda to host the function; a run
    // starts its own local function host, whose testing SDK runner runs each execution.
    async provision({ clients, prefix, traceDir }) {
      return { tables: await provisionTables(clients, prefix), resources: { variant: 'lambda-durable' }, traceDir };
    },
    start: async () => ({ pids: [], stop: async () => {} }),
    deprovision: async () => {},
    describe: () => "service tables only (the durable saga runs in the run's local function host under the local test runner)",
    scripts: [],
  },
};
