import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { DeleteStateMachineCommand } from '@aws-sdk/client-sfn';
import { ignoreMissing } from '../../../shared/aws/not-found.ts';
import { SERVICES } from '../../../shared/domain/contracts.ts';
import { OUTPUTS, STATE_MACHINE_TYPES } from '../../../shared/topology/outputs.ts';
import type { Deployable } from '../../../shared/variant/deploy.ts';
import { startWorkerProcesses } from '../../workers.ts';
import { startLocalStepFunctions } from '../local.ts';

export const resourcesSchema = z
  .object({
    variant: z.literal('stepfunctions'),
    stateMachineArn: z.string(),
    stateMachineType: z.enum(STATE_MACHINE_TYPES),
    /** AWS: the Lambda task function ARN by service. */
    taskFunctions: z.record(z.string(), z.string()).optional(),
    /** Local: the callback binding's task queue (and its DLQ) the worker process serves. */
    callbackQueueUrl: z.string().optional(),
    callbackDlqUrl: z.string().optional(),
  })
  .strict();
type Resources = z.infer<typeof resourcesSchema>;

export const deployable: Deployable<'stepfunctions', Resources> = {
  stack: 'stepfunctions',
  async cdkStack() {
    const { StepFunctionsStack } = await import('./stack.ts');
    return (scope, id, p) =>
      new StepFunctionsStack(scope, id, {
        prefix: p.prefix,
        stackName: p.stackName,
        tables: p.tables,
        stateMachineType: p.settings.stateMachineType,
        description: p.describe(`Step Functions ${p.settings.stateMachineType} saga and task functions`),
      });
  },
  needsDocker: false,
  resources: resourcesSchema,
  fromOutputs: (out) => ({
    variant: 'stepfunctions',
    stateMachineArn: out(OUTPUTS.stateMachineArn),
    stateMachineType: z.enum(STATE_MACHINE_TYPES).parse(out(OUTPUTS.stateMachineType)),
    taskFunctions: Object.fromEntries(SERVICES.map((s) => [s, out(OUTPUTS.taskFunctionArn(s))])),
  }),
  // The task functions' invocations are the executions' task attempts (billing); their REPORT lines give duration and cold starts.
  provider: (r) => ({
    functions: Object.values(r.taskFunctions ?? {}).map((arn) => ({ name: arn, role: 'other' as const })),
    topics: [],
    queues: [],
  }),
  local: {
    refusal: ({ stateMachineType }) =>
      stateMachineType === 'EXPRESS'
        ? 'EXPRESS state machines run on AWS only: the local emulator (moto) ignores the workflow type. Deploy STANDARD locally.'
        : undefined,
    async provision({ clients, prefix, stateMachineType, traceDir }) {
      fs.mkdirSync(traceDir, { recursive: true });
      // The state machine from the one definition builder, with the callback binding the emulator runs.
      const sfn = await startLocalStepFunctions(clients, prefix, { type: stateMachineType, inProcessWorker: false });
      return {
        tables: sfn.tables,
        resources: {
          variant: 'stepfunctions',
          stateMachineArn: sfn.stateMachineArn,
          stateMachineType: 'STANDARD',
          callbackQueueUrl: sfn.queueUrl,
          callbackDlqUrl: sfn.dlqUrl,
        },
        traceDir,
      };
    },
    start({ tables, resources: r, endpoints, traceDir }) {
      if (!r.callbackQueueUrl) throw new Error('a local Step Functions deployment records its callback queue');
      return startWorkerProcesses({
        kind: 'stepfunctions',
        endpoints,
        tables,
        queueUrl: r.callbackQueueUrl,
        meterFile: path.join(traceDir, 'worker-{pid}.meter.json'),
        // Traced as in a benchmark's own run, so `bench --deployed` can attribute its orders' time.
        traceFile: path.join(traceDir, 'worker-{pid}.jsonl'),
      });
    },
    async deprovision(clients, r) {
      await clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: r.stateMachineArn })).catch(ignoreMissing);
      for (const url of [r.callbackQueueUrl, r.callbackDlqUrl])
        if (url) await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(ignoreMissing);
    },
    describe: (r) => `state machine ${r.stateMachineArn}`,
    scripts: [path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'worker-main.ts')],
  },
};
