import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { endpointsSchema } from '../../shared/aws/clients.ts';
import { choreographyTopology } from '../../shared/topology/choreography.ts';
import { DEPLOY_VARIANTS, stackNames, variantStack, type DeployVariant } from '../../shared/topology/stacks.ts';
import { TABLE_ROLES, tableNames, tableNamesSchema, type TableNames } from '../../shared/topology/tables.ts';
import { SERVICES } from '../../shared/domain/contracts.ts';
import { OUTPUTS, STATE_MACHINE_TYPES } from '../cdk/config.ts';
import { toolsDir } from '../../shared/paths.ts';

/**
 * What `sagabench deploy` leaves for everything that uses a deployment (the
 * benchmark with `--target aws`, `destroy`, the local host process): one JSON
 * file per variant and target, validated by `deploymentSchema` on read and write.
 *
 *   .tools/deployments/<variant>.json                    --target aws
 *   .tools/deployments/local-<instance>/<variant>.json   --target local
 */
export const DEPLOYMENT_SCHEMA_VERSION = 1;

const queueSchema = z.object({ consumer: z.string(), url: z.string(), arn: z.string(), dlqUrl: z.string() }).strict();

export const resourcesSchema = z.discriminatedUnion('variant', [
  z
    .object({
      variant: z.literal('choreography'),
      topicArn: z.string(),
      /** By consumer: the five services and `completions` (where the harness reads each order's end). */
      queues: z.record(z.string(), queueSchema),
      /** AWS: function name by service, plus `publisher`. */
      functions: z.record(z.string(), z.string()).optional(),
    })
    .strict(),
  z
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
    .strict(),
  z
    .object({
      variant: z.literal('temporal'),
      taskQueue: z.string(),
      /** Local: the dev server. On AWS the worker reads these from the secret; the harness from TEMPORAL_* (envconfig). */
      address: z.string().optional(),
      namespace: z.string().optional(),
      /** AWS: the Secrets Manager secret (name or ARN) the worker reads. */
      secret: z.string().optional(),
      clusterName: z.string().optional(),
      serviceName: z.string().optional(),
    })
    .strict(),
]);
export type DeploymentResources = z.infer<typeof resourcesSchema>;

export const hostProcessSchema = z.object({
  /** 0 while announced and not yet spawned; `destroy` then finds it by its exact command line. */
  pid: z.number().int().nonnegative(),
  command: z.array(z.string()).min(1),
  log: z.string(),
});

const awsPlacementSchema = z
  .object({
    target: z.literal('aws'),
    account: z.string(),
    region: z.string(),
    stacks: z.array(z.string()).min(1),
    /** `cdk deploy --outputs-file` as written, by stack. */
    outputs: z.record(z.string(), z.record(z.string(), z.string())),
  })
  .strict();

const localPlacementSchema = z
  .object({
    target: z.literal('local'),
    instance: z.string(),
    endpoints: endpointsSchema,
    /** Where the processes write traces and meters (and the choreography its config). */
    traceDir: z.string(),
    /** The detached process that runs the variant's service or worker processes. */
    host: hostProcessSchema.nullable(),
    childPids: z.array(z.number().int().positive()),
    /** Stopped again by the `destroy` that removes the last local deployment on the instance. */
    substrateStartedByDeploy: z.boolean(),
  })
  .strict();

export const deploymentSchema = z
  .object({
    schemaVersion: z.literal(DEPLOYMENT_SCHEMA_VERSION),
    variant: z.enum(DEPLOY_VARIANTS),
    prefix: z.string(),
    deployedAt: z.string(),
    tables: tableNamesSchema,
    resources: resourcesSchema,
    placement: z.discriminatedUnion('target', [awsPlacementSchema, localPlacementSchema]),
  })
  .strict()
  .refine((d) => d.variant === d.resources.variant, { message: 'resources.variant must equal variant', path: ['resources', 'variant'] });
export type Deployment = z.infer<typeof deploymentSchema>;
export type AwsPlacement = z.infer<typeof awsPlacementSchema>;
export type LocalPlacement = z.infer<typeof localPlacementSchema>;

export type Where = { target: 'aws' } | { target: 'local'; instance: string };

export const deploymentsDir = (): string => path.join(toolsDir(), 'deployments');

export function deploymentFile(variant: DeployVariant, where: Where): string {
  return where.target === 'aws'
    ? path.join(deploymentsDir(), `${variant}.json`)
    : path.join(deploymentsDir(), `local-${where.instance}`, `${variant}.json`);
}

export function readDeploymentFile(file: string): Deployment {
  const parsed = deploymentSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a sagabench deployment record: ${parsed.error.message}`);
  return parsed.data;
}

/** The recorded deployment, or undefined if there is none. */
export function readDeployment(variant: DeployVariant, where: Where): Deployment | undefined {
  const file = deploymentFile(variant, where);
  return fs.existsSync(file) ? readDeploymentFile(file) : undefined;
}

/** Written via rename so a reader (the benchmark, the host process) never sees half a file. */
export function writeDeployment(d: Deployment): string {
  const valid = deploymentSchema.parse(d);
  const where: Where = valid.placement.target === 'aws' ? { target: 'aws' } : { target: 'local', instance: valid.placement.instance };
  const file = deploymentFile(valid.variant, where);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(valid, null, 2)}\n`);
  fs.renameSync(tmp, file);
  return file;
}

export function removeDeployment(variant: DeployVariant, where: Where): void {
  const file = deploymentFile(variant, where);
  fs.rmSync(file, { force: true });
  if (where.target === 'local') {
    const dir = path.dirname(file);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
}

/** The other variants recorded at the same place and prefix: they share the data stack (or the local tables). */
export function otherDeployments(variant: DeployVariant, where: Where, prefix: string): Deployment[] {
  return DEPLOY_VARIANTS.filter((v) => v !== variant)
    .map((v) => readDeployment(v, where))
    .filter((d): d is Deployment => d !== undefined && d.prefix === prefix);
}

export type StackOutputs = Record<string, Record<string, string>>;

function need(outputs: StackOutputs, stack: string, key: string): string {
  const v = outputs[stack]?.[key];
  if (v === undefined) throw new Error(`cdk deploy reported no output ${key} for stack ${stack}`);
  return v;
}

/**
 * Builds the AWS record from `cdk deploy --outputs-file`: the stacks emit the
 * keys in OUTPUTS, this reads the same keys back.
 */
export function awsDeploymentFromOutputs(variant: DeployVariant, prefix: string, outputs: StackOutputs, deployedAt = new Date().toISOString()): Deployment {
  const names = stackNames(prefix);
  const own = variantStack(prefix, variant);
  const tables = Object.fromEntries(TABLE_ROLES.map((r) => [r, need(outputs, names.data, OUTPUTS.table(r))])) as TableNames;
  const expected = tableNames(prefix);
  for (const r of TABLE_ROLES) if (tables[r] !== expected[r]) throw new Error(`table ${r} is ${tables[r]}, expected ${expected[r]}`);
  const out = (key: string) => need(outputs, own, key);
  let resources: DeploymentResources;
  if (variant === 'choreography') {
    const queues = Object.fromEntries(
      choreographyTopology(prefix).queues.map((q) => [
        q.consumer,
        { consumer: q.consumer, url: out(OUTPUTS.queueUrl(q.consumer)), arn: out(OUTPUTS.queueArn(q.consumer)), dlqUrl: out(OUTPUTS.dlqUrl(q.consumer)) },
      ]),
    );
    const functions = Object.fromEntries([...SERVICES, 'publisher'].map((u) => [u, out(OUTPUTS.functionName(u))]));
    resources = { variant, topicArn: out(OUTPUTS.topicArn), queues, functions };
  } else if (variant === 'stepfunctions') {
    resources = {
      variant,
      stateMachineArn: out(OUTPUTS.stateMachineArn),
      stateMachineType: z.enum(STATE_MACHINE_TYPES).parse(out(OUTPUTS.stateMachineType)),
      taskFunctions: Object.fromEntries(SERVICES.map((s) => [s, out(OUTPUTS.taskFunctionArn(s))])),
    };
  } else {
    resources = {
      variant,
      taskQueue: out(OUTPUTS.taskQueue),
      secret: out(OUTPUTS.secretName),
      clusterName: out(OUTPUTS.clusterName),
      serviceName: out(OUTPUTS.serviceName),
    };
  }
  return deploymentSchema.parse({
    schemaVersion: DEPLOYMENT_SCHEMA_VERSION,
    variant,
    prefix,
    deployedAt,
    tables,
    resources,
    placement: {
      target: 'aws',
      account: need(outputs, names.data, OUTPUTS.account),
      region: need(outputs, names.data, OUTPUTS.region),
      stacks: [names.data, own],
      outputs: { [names.data]: outputs[names.data] ?? {}, [own]: outputs[own] ?? {} },
    },
  });
}
