import type { z } from 'zod';
import type { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { AwsClients, endpointsSchema } from '../aws/clients.ts';
import type { TemporalTarget } from '../temporal/connection.ts';
import type { StateMachineType } from '../topology/outputs.ts';
import type { TableNames, TableRole } from '../topology/tables.ts';

type Endpoints = z.infer<typeof endpointsSchema>;

/** What a deployment records of a variant's resources: an object whose `variant` names it. */
export type ResourcesSchema<N extends string> = z.ZodObject<{ variant: z.ZodLiteral<N> } & z.ZodRawShape>;

/** What the CDK app hands a variant's stack: its name, the data stack's tables and the app's settings. */
export interface VariantStackProps {
  prefix: string;
  stackName: string;
  tables: Record<TableRole, ITable>;
  settings: { stateMachineType: StateMachineType; temporalSecret: string; containerInsights: boolean };
  /** The app's description format: "sagabench (<prefix>): <what>". */
  describe(what: string): string;
}

/** Where `deploy --target local` puts a variant and what it asked for. */
export interface LocalDeployEnv {
  clients: AwsClients;
  prefix: string;
  temporal: TemporalTarget;
  stateMachineType: StateMachineType;
  /** Where its processes write traces and meters. */
  traceDir: string;
}

/** A recorded local deployment, as its detached host process starts it again. */
export interface LocalHostEnv<R> {
  clients: AwsClients;
  prefix: string;
  tables: TableNames;
  resources: R;
  endpoints: Endpoints;
  traceDir: string;
}

/**
 * What of a deployment on AWS the provider keeps counts for (`bench --target aws`): the functions
 * whose REPORT lines are read (by role: an SQS consumer, the outbox publisher on a stream, or a
 * function whose invocations the variant's billing counts another way), the topics whose publishes
 * and the queues whose messages CloudWatch counts, and the event bus its services put events on.
 */
export interface ProviderNames {
  functions: Array<{ name: string; role: 'consumer' | 'publisher' | 'other' }>;
  topics: string[];
  /** The queues its services consume (not the harness's completions queue). */
  queues: string[];
  eventBus?: string;
}

/**
 * What a variant is to `sagabench deploy|destroy|synth`: its CloudFormation
 * stack beside the shared data stack, the resources a deployment records (and
 * how to read them from the stack's outputs), and its local lifecycle on the
 * local substrate.
 */
export interface Deployable<N extends string, R extends { variant: N }> {
  /** Its stack's name is `<prefix>-<stack>`. */
  stack: string;
  /** Builds its stack in the CDK app; loaded only when an app is built (aws-cdk-lib is heavy). */
  cdkStack(): Promise<(scope: Construct, id: string, props: VariantStackProps) => Stack>;
  /** `cdk deploy` builds a container image for it (Docker needed). */
  needsDocker: boolean;
  resources: ResourcesSchema<N>;
  /** Its resources from `cdk deploy --outputs-file`, one output key at a time. */
  fromOutputs(output: (key: string) => string, prefix: string): R;
  /** What the provider counts of its AWS deployment, from the record's resources. */
  provider(resources: R): ProviderNames;
  local: {
    /** Why this deployment cannot run locally, before anything is created; undefined when it can. */
    refusal?(env: { stateMachineType: StateMachineType }): string | undefined;
    provision(env: LocalDeployEnv): Promise<{ tables: TableNames; resources: R; traceDir: string }>;
    /** Starts its processes; the host process keeps them until destroy. */
    start(env: LocalHostEnv<R>): Promise<{ pids: number[]; stop(): Promise<void> }>;
    deprovision(clients: AwsClients, resources: R): Promise<void>;
    /** One line: what was created. */
    describe(resources: R): string;
    /** The entry scripts its processes run: destroy kills a leftover pid only if it runs one of these. */
    scripts: string[];
  };
}
