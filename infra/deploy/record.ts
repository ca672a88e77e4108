import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { endpointsSchema } from '../../shared/aws/clients.ts';
import { dataStackName } from '../../shared/topology/stacks.ts';
import {
  REGISTRY,
  VARIANTS,
  variantNameSchema,
  variantOf,
  variantStack,
  type RegisteredVariant,
  type VariantName as DeployVariant,
} from '../variants.ts';
import { TABLE_ROLES, tableNames, tableNamesSchema, type TableNames } from '../../shared/topology/tables.ts';
import { OUTPUTS } from '../../shared/topology/outputs.ts';
import { toolsDir } from '../../shared/paths.ts';
import { writeFileAtomic } from '../../shared/runtime/atomic-write.ts';

/**
 * What `sagabench deploy` leaves for everything that uses a deployment (the
 * benchmark with `--target aws`, `destroy`, the local host process): one JSON
 * file per variant and target, validated by `deploymentSchema` on read and write.
 *
 *   .tools/deployments/<variant>.json                    --target aws
 *   .tools/deployments/local-<instance>/<variant>.json   --target local
 */
export const DEPLOYMENT_SCHEMA_VERSION = 1;

/** Each variant's recorded resources, as its registry entry describes them. */
export const resourcesSchema = z.discriminatedUnion(
  'variant',
  REGISTRY.map((v) => v.deploy.resources) as unknown as [
    RegisteredVariant['deploy']['resources'],
    ...RegisteredVariant['deploy']['resources'][],
  ],
);
export type DeploymentResources = ReturnType<RegisteredVariant['deploy']['fromOutputs']>;

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
    variant: variantNameSchema,
    prefix: z.string(),
    deployedAt: z.string(),
    tables: tableNamesSchema,
    resources: resourcesSchema,
    placement: z.discriminatedUnion('target', [awsPlacementSchema, localPlacementSchema]),
  })
  .strict()
  .refine((d) => d.variant === d.resources.variant, { message: 'resources.variant must equal variant', path: ['resources', 'variant'] });
/** The resources typed as their variant's registry entry records them. */
export type Deployment = Omit<z.infer<typeof deploymentSchema>, 'resources'> & { resources: DeploymentResources };
export type AwsPlacement = z.infer<typeof awsPlacementSchema>;
export type LocalPlacement = z.infer<typeof localPlacementSchema>;

export type Where = { target: 'aws' } | { target: 'local'; instance: string };

export const deploymentsDir = (): string => path.join(toolsDir(), 'deployments');

export function deploymentFile(variant: DeployVariant, where: Where): string {
  return where.target === 'aws'
    ? path.join(deploymentsDir(), `${variant}.json`)
    : path.join(deploymentsDir(), `local-${where.instance}`, `${variant}.json`);
}

/** A deployment record validated against the contract, its resources typed as their variant's. */
export const parseDeployment = (raw: unknown): Deployment => deploymentSchema.parse(raw) as Deployment;

export function readDeploymentFile(file: string): Deployment {
  const parsed = deploymentSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a sagabench deployment record: ${parsed.error.message}`);
  return parsed.data as Deployment;
}

/** The recorded deployment, or undefined if there is none. */
export function readDeployment(variant: DeployVariant, where: Where): Deployment | undefined {
  const file = deploymentFile(variant, where);
  return fs.existsSync(file) ? readDeploymentFile(file) : undefined;
}

/** Written via rename so a reader (the benchmark, the host process) never sees half a file. */
export function writeDeployment(d: Deployment): string {
  const valid = parseDeployment(d);
  const where: Where = valid.placement.target === 'aws' ? { target: 'aws' } : { target: 'local', instance: valid.placement.instance };
  const file = deploymentFile(valid.variant, where);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(valid, null, 2)}\n`);
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
  return VARIANTS.filter((v) => v !== variant)
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
export function awsDeploymentFromOutputs(
  variant: DeployVariant,
  prefix: string,
  outputs: StackOutputs,
  deployedAt = new Date().toISOString(),
): Deployment {
  const data = dataStackName(prefix);
  const own = variantStack(prefix, variant);
  const tables = Object.fromEntries(TABLE_ROLES.map((r) => [r, need(outputs, data, OUTPUTS.table(r))])) as TableNames;
  const expected = tableNames(prefix);
  for (const r of TABLE_ROLES) if (tables[r] !== expected[r]) throw new Error(`table ${r} is ${tables[r]}, expected ${expected[r]}`);
  const resources = variantOf(variant).deploy.fromOutputs((key) => need(outputs, own, key), prefix);
  return parseDeployment({
    schemaVersion: DEPLOYMENT_SCHEMA_VERSION,
    variant,
    prefix,
    deployedAt,
    tables,
    resources,
    placement: {
      target: 'aws',
      account: need(outputs, data, OUTPUTS.account),
      region: need(outputs, data, OUTPUTS.region),
      stacks: [data, own],
      outputs: { [data]: outputs[data] ?? {}, [own]: outputs[own] ?? {} },
    },
  });
}
