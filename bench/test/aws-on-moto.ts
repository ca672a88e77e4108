import { parseDeployment, writeDeployment, type Deployment } from '../../infra/deploy/record.ts';
import { variantStack } from '../../infra/variants.ts';
import { dataStackName } from '../../shared/topology/stacks.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../shared/aws/clients.ts';

/**
 * The AWS path pointed at the local engines, as a user points the AWS SDK and the temporal CLI at
 * any endpoint: records of the AWS shape naming a local deployment's resources, written into a
 * tools folder of the test's own, and the standard AWS and Temporal variables (credentials, region,
 * AWS_ENDPOINT_URL_<SERVICE>, TEMPORAL_ADDRESS) aimed at moto and the Temporal dev server. The run
 * then goes through the real SDKs against real engines, exactly the code it runs on AWS.
 */
export function awsRecordsFrom(local: readonly Deployment[], toolsDir: string, extra: Partial<Record<string, object>> = {}): void {
  const saved = process.env.SAGABENCH_TOOLS_DIR;
  process.env.SAGABENCH_TOOLS_DIR = toolsDir;
  try {
    for (const d of local)
      writeDeployment(
        parseDeployment({
          ...d,
          // What an AWS record holds: its own resource fields plus what this test adds (the functions whose REPORT lines are read).
          resources: { ...d.resources, ...(extra[d.variant] ?? {}) },
          placement: {
            target: 'aws',
            account: LOCAL_ACCOUNT,
            region: LOCAL_REGION,
            stacks: [dataStackName(d.prefix), variantStack(d.prefix, d.variant)],
            outputs: {},
          },
        }),
      );
  } finally {
    if (saved === undefined) delete process.env.SAGABENCH_TOOLS_DIR;
    else process.env.SAGABENCH_TOOLS_DIR = saved;
  }
}

/** The environment a `--target aws` run reads, aimed at the local engines of `d` (a local record). */
export function awsEnvAt(d: Deployment, temporal?: { address: string; namespace: string }): Record<string, string> {
  if (d.placement.target !== 'local') throw new Error('a local record');
  const e = d.placement.endpoints;
  return {
    AWS_ACCESS_KEY_ID: 'sagabench-local',
    AWS_SECRET_ACCESS_KEY: 'sagabench-local',
    AWS_REGION: LOCAL_REGION,
    AWS_ENDPOINT_URL_SQS: e.sqs,
    AWS_ENDPOINT_URL_SNS: e.sns,
    AWS_ENDPOINT_URL_SFN: e.sfn,
    AWS_ENDPOINT_URL_DYNAMODB: e.dynamodb,
    AWS_ENDPOINT_URL_EVENTBRIDGE: e.events,
    // moto serves CloudWatch, its Logs and Lambda's control plane on any of its ports.
    AWS_ENDPOINT_URL_CLOUDWATCH: e.sqs,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: e.sqs,
    AWS_ENDPOINT_URL_LAMBDA: e.sqs,
    ...(temporal ? { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace } : {}),
  };
}
