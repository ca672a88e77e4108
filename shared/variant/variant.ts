import type { AwsClients } from '../aws/clients.ts';
import type { TracePoint } from '../messaging/trace.ts';
import type { TemporalTarget } from '../temporal/connection.ts';
import type { ChangeScript } from './change.ts';
import type { Rule } from './components.ts';
import type { Deployable } from './deploy.ts';
import type { VariantDriver } from './driver.ts';
import type { FloorTarget } from './floor.ts';
import type { SegmentNatures } from './segments.ts';
import type { VariantReport, VariantTarget } from './target.ts';
import type { AwsPath, NotProjected } from './aws-hops.ts';
import type { TableNames } from '../topology/tables.ts';

/** Where a variant runs locally: its own metered clients, the harness's clients, the Temporal dev server, a fresh name prefix. */
export interface LocalRun {
  clients: AwsClients;
  /** The harness's reads (completions, statuses, histories) go through these, never on the variant's bill. */
  harness: AwsClients;
  temporal: TemporalTarget;
  prefix: string;
}

/** A recorded local deployment the harness drives instead of fresh resources (`bench --deployed`): its processes already run. */
export interface DeployedRun<R> {
  clients: AwsClients;
  harness: AwsClients;
  prefix: string;
  tables: TableNames;
  resources: R;
  /** Where the deployment's processes write their traces and (cumulative) meters. */
  traceDir: string;
}

/**
 * A deployment on AWS the harness drives (`bench --target aws`): nothing of it runs on this
 * machine. The clients come from the standard AWS credential chain in the record's region;
 * the variant's own calls run inside Lambda and ECS, so they are counted provider-side.
 */
export interface AwsRun<R> {
  /** The edge's calls (orders placed, executions started), metered: the only ones made here. */
  clients: AwsClients;
  harness: AwsClients;
  prefix: string;
  tables: TableNames;
  resources: R;
  region: string;
}

/**
 * How a variant's local run maps to its AWS bill. The cost model (bench/cost) reads
 * this and nothing else about a variant, so every variant goes through the same rules:
 * calls made by a time-based loop are never billed per order; calls of a local stand-in
 * AWS does not have are left off by name; what replaces them on AWS is a fixed line.
 */
export interface Billing {
  /** Calls of local stand-ins that do not exist on AWS, left off the bill and named in its notes. */
  localOnly: ReadonlyArray<{ service: string; operations?: readonly string[]; why: string }>;
  /** SQS queues its Lambda functions consume through event source mappings on AWS (each polls while idle: a fixed line). */
  sqsEventSources: number;
  /** How its Lambda invocations are counted: the meter's lambda.Invoke* records, or the state machine's task attempts. */
  lambdaInvocations: 'metered' | 'task-attempts' | 'durable-invocations' | null;
  /** Its stack traces each execution with X-Ray and logs every history event (the Step Functions stack). */
  executionTracing?: boolean;
  /** The engine count the dominant charge comes from; a usage sample without it is refused rather than priced at $0. */
  engineCount: 'stepFunctions' | 'temporal' | 'durable' | null;
  /** An always-on container besides the per-order work (the Temporal worker on Fargate, with a public IPv4 address). */
  alwaysOnWorker?: { vcpu: number; memoryGb: number; tasks?: number; publicIpv4?: boolean };
  /** The same executions priced as another workflow type (EXPRESS for Step Functions), labelled as a what-if. */
  whatIf?: { label: string; displayName: string; color: string; note: string; stepFunctionsType: 'EXPRESS' };
}

/**
 * What a variant is to the harness, the deploy and the report. Each variant
 * folder exports one object of this shape; the registry (infra/variants.ts)
 * lists them, and everything else follows from that list.
 */
export interface Variant<N extends string = string, R extends { variant: N } = { variant: N }> {
  name: N;
  /** Its name for people, in the report. */
  label: string;
  /**
   * Whether its local latency is the engines' (`measured`) or a local stand-in's
   * (`simulated`: the report labels it and its latency verdicts leave it out).
   */
  latencyKind?: 'measured' | 'simulated';
  /** Its colour in every chart of the report. */
  color: string;
  /** Fault classes that have nothing to hit in this variant's local run, each with why; the fault runs skip them and the results say so. */
  faultsNotApplicable?: Readonly<Partial<Record<'crash' | 'pause' | 'duplicate' | 'poison' | 'throttle', string>>>;
  /** How the fault matrix makes a duplicate: client middleware on the variant's calls, or every start sent twice (when the engine owns delivery). */
  duplicateFault: 'client-middleware' | 'start-twice';
  /** Its load target: resources created under `run.prefix`, processes started, orders accepted, completions watched. */
  target(run: LocalRun): Promise<VariantTarget>;
  /** Its load target on a recorded local deployment; absent: `bench --deployed` refuses the variant. */
  deployedTarget?(run: DeployedRun<Omit<R, never>>): Promise<VariantTarget>;
  /** Its load target on its AWS deployment (`bench --target aws`); absent: `--target aws` refuses the variant by name. */
  awsTarget?(run: AwsRun<Omit<R, never>>): Promise<VariantTarget>;
  /** Its substrate floor: `hops` no-op hops through the same engine, with no domain logic. */
  floor(run: Omit<LocalRun, 'harness'>, hops: number): Promise<FloorTarget>;
  /** Hops on one completed order's critical path, from its trace points: what the floor copies. */
  criticalPathHops(steps: TracePoint[]): number;
  /** What each segment of an order's critical path is in this pattern (inherent, implementation, workload), for the report. */
  segments: SegmentNatures;
  /** Its critical path on AWS as hops of each kind: what the latency projection draws (bench/projection). */
  awsPath: AwsPath | NotProjected;
  billing: Billing;
  coupling: {
    /** Which files are which component in this variant's graph. */
    components: readonly Rule[];
    /** Messages the meter cannot see (an engine's own task messages), per the first level's report. */
    unmeteredMessages(report: VariantReport): number;
    /** The scripted "add a fraud check" change, re-applied to a scratch copy of the code. */
    change: ChangeScript;
  };
  /** Its stack, its recorded resources and its local lifecycle, for `sagabench deploy|destroy|synth`. */
  deploy: Deployable<N, R>;
  /** Its scenario driver for the tests; test support, loaded only when a test asks for it. */
  driver(run: LocalRun): Promise<VariantDriver>;
}

/** Orchestrated tasks run one after another: each task run is a hop. */
export const taskHops = (steps: TracePoint[]): number => new Set(steps.map((s) => `${s.step}@${s.start}`)).size;
