import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { provisionChoreography, provisionTables } from '../../shared/engines/provision.ts';
import { choreographyDeps } from '../../choreography/deps.ts';
import { tableReader } from '../../shared/variant/snapshot.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import { buildApp, type SagabenchApp } from '../cdk/app.ts';
import { OUTPUTS } from '../cdk/config.ts';
import { REASONS } from '../../shared/cdk/nag.ts';
import { lambdaSagaDefinition, taskFunctionKey } from '../../orchestration/stepfunctions/deploy/stack.ts';
import { DURABLE_ALIAS } from '../../orchestration/lambda-durable/deploy/stack.ts';
import { awsDeploymentFromOutputs, parseDeployment } from '../deploy/record.ts';
import { buildSagaDefinition } from '../../orchestration/stepfunctions/definition.ts';
import { TASK_SERVICE, type TaskName } from '../../orchestration/tasks.ts';
import { SERVICES } from '../../shared/domain/contracts.ts';
import {
  accessOf,
  CHOREOGRAPHY_ACCESS,
  DYNAMODB_WRITE_ACTIONS,
  STEPFUNCTIONS_TASK_ACCESS,
  TEMPORAL_WORKER_ACCESS,
} from '../../shared/topology/access.ts';
import { choreographyTopology, MAX_RECEIVE_COUNT, VISIBILITY_TIMEOUT_SECONDS } from '../../shared/topology/choreography.ts';
import { FUNCTION_DEFAULTS, TEMPORAL_WORKER_SERVICE } from '../../shared/topology/functions.ts';
import { dataStackName } from '../../shared/topology/stacks.ts';
import { VARIANTS as DEPLOY_VARIANTS, variantStack } from '../variants.ts';
import { tableNames, tableSpecs, TABLE_ROLES, type TableRole } from '../../shared/topology/tables.ts';
import { functionRole, refId, resourcesOf, roleStatements, tableNameOf, type CfnTemplate, type Json } from './templates.ts';

// One synthesis (with the real esbuild bundling and cdk-nag) shared by every test in this file.
const PREFIX = 'sagabench';
const names = { data: dataStackName(PREFIX) };
const tables = tableNames(PREFIX);
let outdir: string;
let built: SagabenchApp;
const t: Record<'data' | 'choreography' | 'eventbridge' | 'stepfunctions' | 'temporalWorker' | 'lambda-durable', CfnTemplate> = {} as never;
const tpl: Record<keyof typeof t, Template> = {} as never;

/** The test's names for the stacks: the data stack and each variant's own. */
const stackOf = (app: SagabenchApp, k: keyof typeof t) => (k === 'data' ? app.data : app.stacks[k === 'temporalWorker' ? 'temporal' : k]);

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-cdk-'));
  built = await buildApp({ outdir });
  // Fails here, with cdk-nag's report, if any finding is unacknowledged.
  built.app.synth();
  for (const k of ['data', 'choreography', 'eventbridge', 'stepfunctions', 'temporalWorker', 'lambda-durable'] as const) {
    tpl[k] = Template.fromStack(stackOf(built, k));
    t[k] = tpl[k].toJSON() as CfnTemplate;
  }
}, 180_000);
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** The choreography function of a service (by the SAGABENCH_SERVICE it runs as) or the publisher (by its handler). */
const fnByHandler = (tmpl: CfnTemplate, unit: string): string => {
  const hit = resourcesOf(tmpl, 'AWS::Lambda::Function').find(([, p]) =>
    unit === 'publisher'
      ? p.Handler === 'index.publisher'
      : p.Handler === 'index.handler' && (p.Environment as { Variables: Json }).Variables.SAGABENCH_SERVICE === unit,
  );
  if (!hit) throw new Error(`no function for ${unit}`);
  return hit[0];
};
const fnByDescription = (tmpl: CfnTemplate, text: string): string => {
  const hit = resourcesOf(tmpl, 'AWS::Lambda::Function').find(([, p]) => String(p.Description).includes(text));
  if (!hit) throw new Error(`no function described '${text}'`);
  return hit[0];
};
const queueName = (tmpl: CfnTemplate, id: string | undefined) => (id ? (tmpl.Resources[id]?.Properties?.QueueName as string) : undefined);

const STREAM_ACTIONS = /^dynamodb:(ListStreams|DescribeStream|GetRecords|GetShardIterator)$/;

/** DynamoDB table access of a role (stream reads aside), as table name -> the actions it may perform there. */
function tableAccess(stack: CfnTemplate, roleId: string): Record<string, Set<string>> {
  const out: Record<string, Set<string>> = {};
  for (const s of roleStatements(stack, roleId)) {
    const ddb = s.Action.filter((a) => a.startsWith('dynamodb:') && !STREAM_ACTIONS.test(a));
    if (!ddb.length) continue;
    for (const r of s.Resource) {
      const name = tableNameOf(t.data, r) ?? (r === '*' ? '*' : JSON.stringify(r));
      out[name] ??= new Set();
      for (const a of ddb) out[name].add(a);
    }
  }
  return out;
}
const writes = (access: Record<string, Set<string>>) =>
  Object.entries(access)
    .filter(([, acts]) => [...acts].some((a) => (DYNAMODB_WRITE_ACTIONS as readonly string[]).includes(a) || a === 'dynamodb:*'))
    .map(([n]) => n)
    .sort();
const reads = (access: Record<string, Set<string>>) => Object.keys(access).sort();
const namesOf = (roles: readonly TableRole[]) => [...new Set(roles.map((r) => tables[r]))].sort();

describe('the CDK app', () => {
  it('has the data stack and one per variant, and cdk-nag AwsSolutions reports nothing unacknowledged', () => {
    expect(
      built.app.node.children
        .filter((c) => Stack.isStack(c))
        .map((c) => c.node.id)
        .sort(),
    ).toEqual([names.data, ...DEPLOY_VARIANTS.map((v) => variantStack(PREFIX, v))].sort());
    // The synth in beforeAll already ran the pack as a validation plugin; this lists findings by name if any appear.
    const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('fails synthesis on a finding nobody acknowledged', async () => {
    const other = await buildApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-cdk-nag-')) });
    try {
      // No encryption, no TLS-only policy, no DLQ: three AwsSolutions findings.
      new Queue(other.stacks.choreography, 'Unguarded', { encryption: QueueEncryption.UNENCRYPTED });
      // The message is "Validation failed ..." from the CLI, the report itself under a test runner.
      expect(() => other.app.synth()).toThrow(/Validation failed|\(AwsSolutions\)/);
      const rules = new AwsSolutionsChecks(other.app).validateScope(other.app).violations.map((v) => v.ruleName);
      expect(rules.sort()).toEqual(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']);
    } finally {
      fs.rmSync(other.app.outdir, { recursive: true, force: true });
    }
  });

  it('gives every acknowledgment a written reason, and acknowledges AwsSolutions rules only with the reasons in nag.ts', () => {
    const acks: { path: string; id: string; reason: string }[] = [];
    for (const c of built.app.node.findAll()) {
      for (const m of c.node.metadata) {
        if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(m.data as Record<string, string>)) acks.push({ path: c.node.path, id, reason });
      }
    }
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) expect(a.reason.trim().length, `${a.path} ${a.id}`).toBeGreaterThan(30);
    const known = new Set<string>(Object.values(REASONS));
    const ours = acks.filter((a) => a.id.includes('AwsSolutions-'));
    for (const a of ours) expect(known.has(a.reason) || [...known].some((r) => a.reason.includes(r)), `${a.path} ${a.id}`).toBe(true);
    // The accepted findings, by rule: a new one must be added here on purpose.
    expect([...new Set(ours.map((a) => a.id.replace(/^Annotation::/, '')))].sort()).toEqual([
      'AwsSolutions-ECS2',
      'AwsSolutions-ECS4',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:${PREFIX}-saga-durable:*]`,
      'AwsSolutions-SQS3',
    ]);
  });

  it('synthesizes offline: the three Lambda bundles are built by the local esbuild and load as ES modules', async () => {
    const assets = fs.readdirSync(outdir).filter((f) => f.startsWith('asset.'));
    const bundles = assets.map((a) => path.join(outdir, a, 'index.mjs')).filter((f) => fs.existsSync(f));
    // The two choreographies share one bundle (the same entry); the durable saga has its own.
    expect(bundles).toHaveLength(3);
    const exports = await Promise.all(bundles.map(async (b) => Object.keys((await import(b)) as object).sort()));
    expect(exports).toContainEqual(expect.arrayContaining(['handler', 'publisher']));
    expect(exports).toContainEqual(expect.arrayContaining(['handler', 'makeLambdaTaskHandler']));
    expect(exports).toContainEqual(expect.arrayContaining(['handler', 'DURABLE_ENV']));
    // The worker image is only staged at synth (Docker builds it at deploy time): its context holds what the worker runs, no tests.
    const image = assets
      .map((a) => path.join(outdir, a))
      .find((d) => fs.existsSync(path.join(d, 'orchestration/temporal/deploy/worker/Dockerfile')));
    expect(image).toBeDefined();
    for (const f of [
      'package.json',
      'package-lock.json',
      'orchestration/temporal/worker.ts',
      'orchestration/temporal/deploy/worker/main.ts',
      'shared/topology/tables.ts',
    ]) {
      expect(fs.existsSync(path.join(image!, f)), f).toBe(true);
    }
    for (const f of ['node_modules', 'bench', 'choreography', '.tools', 'orchestration/temporal/test'])
      expect(fs.existsSync(path.join(image!, f)), f).toBe(false);
  });
});

describe('data stack', () => {
  it('has one table per spec, on-demand, with point-in-time recovery; the event store has its sort key and a stream', () => {
    tpl.data.resourceCountIs('AWS::DynamoDB::Table', TABLE_ROLES.length);
    for (const spec of tableSpecs(PREFIX)) {
      tpl.data.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: spec.name,
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        KeySchema: spec.sortKey
          ? [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'seq', KeyType: 'RANGE' },
            ]
          : [{ AttributeName: 'pk', KeyType: 'HASH' }],
        ...(spec.role === 'orderEvents' ? { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } } : {}),
      });
    }
  });
});

describe('choreography stack', () => {
  const topology = choreographyTopology(PREFIX);

  it('has the bus, a queue and DLQ per consumer, six functions and their event sources', () => {
    tpl.choreography.resourceCountIs('AWS::SNS::Topic', 1);
    tpl.choreography.resourceCountIs('AWS::SNS::Subscription', topology.queues.length);
    // Each consumer's queue and DLQ, plus the publisher's on-failure queue.
    tpl.choreography.resourceCountIs('AWS::SQS::Queue', topology.queues.length * 2 + 1);
    tpl.choreography.resourceCountIs('AWS::Lambda::Function', SERVICES.length + 1);
    tpl.choreography.resourceCountIs('AWS::Lambda::EventSourceMapping', SERVICES.length + 1);
  });

  it('subscribes each queue with the filter policy from the topology, raw delivery', () => {
    const topicId = resourcesOf(t.choreography, 'AWS::SNS::Topic')[0]![0];
    const subs = resourcesOf(t.choreography, 'AWS::SNS::Subscription').map(([, p]) => ({
      topic: refId(p.TopicArn),
      queue: queueName(t.choreography, refId(p.Endpoint)),
      filter: p.FilterPolicy,
      raw: p.RawMessageDelivery,
      protocol: p.Protocol,
    }));
    expect(subs.map((s) => s.queue).sort()).toEqual(topology.queues.map((q) => q.name).sort());
    for (const q of topology.queues) {
      expect(subs.find((s) => s.queue === q.name)).toEqual({
        topic: topicId,
        queue: q.name,
        filter: q.filterPolicy,
        raw: true,
        protocol: 'sqs',
      });
    }
  });

  it('gives every consumer queue its DLQ with redrive after MAX_RECEIVE_COUNT, and the shared visibility timeout', () => {
    for (const q of topology.queues) {
      const [, props] = resourcesOf(t.choreography, 'AWS::SQS::Queue').find(([, p]) => p.QueueName === q.name)!;
      const redrive = props.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      expect(redrive.maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
      expect(queueName(t.choreography, refId(redrive.deadLetterTargetArn))).toBe(q.dlqName);
      expect(props.VisibilityTimeout).toBe(VISIBILITY_TIMEOUT_SECONDS);
    }
  });

  it('encrypts every queue and the topic at rest, and denies them any request without TLS', () => {
    const queues = resourcesOf(t.choreography, 'AWS::SQS::Queue');
    for (const [id, p] of queues) {
      expect(p.SqsManagedSseEnabled, id).toBe(true);
      const policy = resourcesOf(t.choreography, 'AWS::SQS::QueuePolicy').find(([, qp]) =>
        (qp.Queues as unknown[]).some((r) => refId(r) === id),
      );
      expect(policy, `${id} has a queue policy`).toBeDefined();
      expect((policy![1].PolicyDocument as { Statement: Json[] }).Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
    tpl.choreography.hasResourceProperties('AWS::SNS::Topic', { TopicName: topology.topicName, KmsMasterKeyId: Match.anyValue() });
    tpl.choreography.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs each service on its own queue with partial batch responses, at the memory, architecture and timeout the cost model prices', () => {
    for (const service of SERVICES) {
      const fnId = fnByHandler(t.choreography, service);
      const fn = t.choreography.Resources[fnId]!.Properties!;
      expect(fn).toMatchObject({
        MemorySize: FUNCTION_DEFAULTS.memoryMb,
        Architectures: [FUNCTION_DEFAULTS.architecture],
        Timeout: FUNCTION_DEFAULTS.timeoutSeconds,
      });
      const mappings = resourcesOf(t.choreography, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => refId(m.FunctionName) === fnId);
      expect(mappings).toHaveLength(1);
      expect(mappings[0]![1]).toMatchObject({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
      expect(queueName(t.choreography, refId(mappings[0]![1].EventSourceArn))).toBe(`${PREFIX}-${service}`);
    }
    // The outbox publisher reads only new outbox items from the event store's stream.
    const publisher = resourcesOf(t.choreography, 'AWS::Lambda::EventSourceMapping').find(
      ([, m]) => refId(m.FunctionName) === fnByHandler(t.choreography, 'publisher'),
    )![1];
    expect(publisher).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
    });
    expect(JSON.parse((publisher.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]!.Pattern)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { Keys: { pk: { S: ['#outbox'] } } },
    });
  });

  it("scopes each function's role to its own queue, its own tables and the bus: the payments function cannot write the inventory table", () => {
    const topicId = resourcesOf(t.choreography, 'AWS::SNS::Topic')[0]![0];
    for (const unit of [...SERVICES, 'publisher'] as const) {
      const role = functionRole(t.choreography, fnByHandler(t.choreography, unit));
      const access = tableAccess(t.choreography, role);
      const declared = accessOf(CHOREOGRAPHY_ACCESS, unit, 'function');
      expect(writes(access), unit).toEqual(namesOf(declared.write));
      expect(reads(access), unit).toEqual(namesOf([...declared.read, ...declared.write]));
      const statements = roleStatements(t.choreography, role);
      const sqs = statements.filter((s) => s.Action.some((a) => a.startsWith('sqs:')));
      expect(new Set(sqs.flatMap((s) => s.Resource.map((r) => queueName(t.choreography, refId(r))))), unit).toEqual(
        // The publisher's only queue is its on-failure destination.
        new Set([unit === 'publisher' ? `${PREFIX}-outbox-publisher-failures` : `${PREFIX}-${unit}`]),
      );
      const publishes = statements.filter((s) => s.Action.includes('sns:Publish'));
      expect(
        publishes.flatMap((s) => s.Resource.map(refId)),
        unit,
      ).toEqual(declared.publishes ? [topicId] : []);
      for (const s of statements)
        expect(
          s.Action.filter((a) => a.endsWith(':*')),
          unit,
        ).toEqual([]);
    }
    const payments = tableAccess(t.choreography, functionRole(t.choreography, fnByHandler(t.choreography, 'payments')));
    expect(writes(payments)).toEqual([tables.payments]);
    expect(payments[tables.inventory]).toBeUndefined();
    // Stream reads: the publisher alone, on the event store's stream (ListStreams has no resource to name).
    for (const unit of [...SERVICES, 'publisher'] as const) {
      const streams = roleStatements(t.choreography, functionRole(t.choreography, fnByHandler(t.choreography, unit))).filter((st) =>
        st.Action.some((a) => STREAM_ACTIONS.test(a)),
      );
      const scoped = streams.filter((st) => !st.Action.includes('dynamodb:ListStreams'));
      expect(
        scoped.flatMap((st) => st.Resource.map((r) => tableNameOf(t.data, r))),
        unit,
      ).toEqual(unit === 'publisher' ? [tables.orderEvents] : []);
      expect(
        streams.filter((st) => st.Action.includes('dynamodb:ListStreams')).flatMap((st) => st.Action),
        unit,
      ).toEqual(unit === 'publisher' ? ['dynamodb:ListStreams'] : []);
    }
  });
});

describe('eventbridge stack', () => {
  const topology = choreographyTopology(PREFIX, 'eventbridge');

  it('has a custom bus and, per consumer, a rule with the topology\u2019s pattern targeting its queue with the event detail; no SNS', () => {
    tpl.eventbridge.resourceCountIs('AWS::SNS::Topic', 0);
    tpl.eventbridge.resourceCountIs('AWS::Events::EventBus', 1);
    tpl.eventbridge.hasResourceProperties('AWS::Events::EventBus', { Name: topology.busName });
    tpl.eventbridge.resourceCountIs('AWS::SQS::Queue', topology.queues.length * 2 + 1);
    tpl.eventbridge.resourceCountIs('AWS::Lambda::Function', SERVICES.length + 1);
    const busId = resourcesOf(t.eventbridge, 'AWS::Events::EventBus')[0]![0];
    const rules = resourcesOf(t.eventbridge, 'AWS::Events::Rule').map(([, p]) => p);
    expect(rules.map((r) => r.Name).sort()).toEqual(topology.queues.map((q) => q.ruleName).sort());
    for (const q of topology.queues) {
      const rule = rules.find((r) => r.Name === q.ruleName)!;
      expect(refId(rule.EventBusName)).toBe(busId);
      expect(rule.EventPattern).toEqual(q.eventPattern);
      const [target] = rule.Targets as Json[];
      expect(queueName(t.eventbridge, refId(target!.Arn))).toBe(q.name);
      expect(target!.InputTransformer).toEqual({ InputPathsMap: { detail: '$.detail' }, InputTemplate: '<detail>' });
    }
    // Each consumer queue lets only its own rule send to it.
    const fromRules = resourcesOf(t.eventbridge, 'AWS::SQS::QueuePolicy').flatMap(([, p]) =>
      ((p.PolicyDocument as Json).Statement as Json[]).filter(
        (st) => (st.Principal as Json | undefined)?.Service === 'events.amazonaws.com',
      ),
    );
    expect(fromRules).toHaveLength(topology.queues.length);
    for (const st of fromRules) expect(Object.keys((st.Condition as Json).ArnEquals as Json)).toEqual(['aws:SourceArn']);
  });

  it('lets the publishing functions put events on the bus, and no other', () => {
    const busId = resourcesOf(t.eventbridge, 'AWS::Events::EventBus')[0]![0];
    const putters = resourcesOf(t.eventbridge, 'AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.PolicyDocument).includes('events:PutEvents'),
    );
    expect(putters.length).toBe(SERVICES.filter((s) => accessOf(CHOREOGRAPHY_ACCESS, s, 'test').publishes).length + 1);
    for (const [, p] of putters) expect(JSON.stringify(p.PolicyDocument)).toContain(busId);
  });
});

describe('lambda-durable stack', () => {
  it('is one durable function (DurableConfig) that checkpoints only itself and writes the five service tables', () => {
    tpl['lambda-durable'].resourceCountIs('AWS::Lambda::Function', 1);
    const [[fnId, fn]] = resourcesOf(t['lambda-durable'], 'AWS::Lambda::Function') as [[string, Json]];
    expect(fn.DurableConfig).toEqual({ ExecutionTimeout: 3600, RetentionPeriodInDays: 30 });
    const role = refId(fn.Role)!;
    const statements = roleStatements(t['lambda-durable'], role);
    const checkpoint = statements.filter((s) => s.Action.some((a) => a.includes('Durable')));
    expect(checkpoint.flatMap((s) => s.Action).sort()).toEqual(['lambda:CheckpointDurableExecution', 'lambda:GetDurableExecutionState']);
    expect(JSON.stringify(checkpoint.flatMap((s) => s.Resource))).toContain(`function:${PREFIX}-saga-durable`);
    expect(writes(tableAccess(t['lambda-durable'], role))).toEqual(namesOf(TEMPORAL_WORKER_ACCESS.write));
    expect(fnId).toBeTruthy();
  });

  it('starts executions on an alias of a published version (Lambda runs none on an unqualified name), and records it', () => {
    const [[versionId, version]] = resourcesOf(t['lambda-durable'], 'AWS::Lambda::Version') as [[string, Json]];
    const [[aliasId, alias]] = resourcesOf(t['lambda-durable'], 'AWS::Lambda::Alias') as [[string, Json]];
    const [[fnId]] = resourcesOf(t['lambda-durable'], 'AWS::Lambda::Function') as [[string, Json]];
    expect(refId(version.FunctionName)).toBe(fnId);
    expect(alias).toMatchObject({ Name: DURABLE_ALIAS, FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] } });
    expect(refId(t['lambda-durable'].Outputs![OUTPUTS.functionAliasArn('saga')]!.Value)).toBe(aliasId);
  });
});

describe('stepfunctions stack', () => {
  const sm = () => resourcesOf(t.stepfunctions, 'AWS::StepFunctions::StateMachine')[0]![1];
  const deployed = () => JSON.parse(sm().DefinitionString as string) as ReturnType<typeof buildSagaDefinition>;

  it('has one state machine (STANDARD by default) with ALL-event logging and X-Ray tracing, and five task functions', () => {
    tpl.stepfunctions.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    tpl.stepfunctions.resourceCountIs('AWS::Lambda::Function', SERVICES.length);
    expect(sm()).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  it('deploys the definition the local variant runs: same states and transitions, only the task binding differs', () => {
    const local = buildSagaDefinition({ binding: { kind: 'sqs-callback', queueUrl: 'https://sqs.local/q' } });
    const aws = deployed();
    const unbound = (d: typeof local) => ({
      ...d,
      States: Object.fromEntries(
        Object.entries(d.States).map(([n, s]) => [
          n,
          Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'Resource' && k !== 'Parameters')),
        ]),
      ),
    });
    expect(unbound(aws)).toEqual(unbound(local));
    expect(aws).toEqual(lambdaSagaDefinition());
    for (const [name, state] of Object.entries(local.States)) {
      if (state.Type !== 'Task') continue;
      const { 'taskToken.$': token, ...payload } = (state.Parameters as { MessageBody: Record<string, unknown> }).MessageBody;
      expect(token).toBe('$$.Task.Token');
      // The Lambda receives exactly what the callback worker receives, minus the token.
      expect(aws.States[name]!.Parameters, name).toEqual(payload);
      const service = TASK_SERVICE[payload.task as TaskName];
      expect(aws.States[name]!.Resource, name).toBe(`\${${taskFunctionKey(service)}}`);
    }
  });

  it("points each task at its service's function, and lets the state machine invoke only those five", () => {
    const subs = sm().DefinitionSubstitutions as Record<string, unknown>;
    const fnIds = SERVICES.map((s) => fnByDescription(t.stepfunctions, `the ${s} service's saga tasks`));
    expect(Object.keys(subs).sort()).toEqual(SERVICES.map(taskFunctionKey).sort());
    SERVICES.forEach((s, i) => expect(refId(subs[taskFunctionKey(s)])).toBe(fnIds[i]));
    const smRole = refId(sm().RoleArn)!;
    const invoke = roleStatements(t.stepfunctions, smRole).filter((s) => s.Action.some((a) => a.startsWith('lambda:')));
    expect(invoke.flatMap((s) => s.Resource.map(refId)).sort()).toEqual([...fnIds].sort());
    expect(invoke.flatMap((s) => s.Action)).toEqual(['lambda:InvokeFunction']);
    expect(invoke.flatMap((s) => s.Resource).some((r) => JSON.stringify(r).includes(':*'))).toBe(false);
  });

  it('scopes each task function to its own tables: the payments tasks cannot write the inventory table', () => {
    for (const s of SERVICES) {
      const access = tableAccess(
        t.stepfunctions,
        functionRole(t.stepfunctions, fnByDescription(t.stepfunctions, `the ${s} service's saga tasks`)),
      );
      const declared = accessOf(STEPFUNCTIONS_TASK_ACCESS, s, 'task function');
      expect(writes(access), s).toEqual(namesOf(declared.write));
      expect(reads(access), s).toEqual(namesOf([...declared.read, ...declared.write]));
    }
    const payments = tableAccess(
      t.stepfunctions,
      functionRole(t.stepfunctions, fnByDescription(t.stepfunctions, "the payments service's saga tasks")),
    );
    expect(payments[tables.inventory]).toBeUndefined();
  });

  it('is EXPRESS when the context says so', async () => {
    const express = await buildApp({
      outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-cdk-express-')),
      context: { stateMachineType: 'EXPRESS' },
    });
    try {
      Template.fromStack(express.stacks.stepfunctions).hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'EXPRESS',
        LoggingConfiguration: { Level: 'ALL' },
      });
    } finally {
      fs.rmSync(express.app.outdir, { recursive: true, force: true });
    }
    // Refused before anything is built, and the temporary folder the App made for itself is gone with it.
    const cdkOut = () => new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('cdk.out')));
    const before = cdkOut();
    await expect(buildApp({ context: { stateMachineType: 'SOMETIMES' } })).rejects.toThrow(/STANDARD or EXPRESS/);
    expect([...cdkOut()].filter((f) => !before.has(f))).toEqual([]);
  });
});

describe('temporal-worker stack', () => {
  it('runs one Fargate task of the size the cost model prices, with the Temporal connection from Secrets Manager', () => {
    tpl.temporalWorker.resourceCountIs('AWS::ECS::Service', 1);
    tpl.temporalWorker.resourceCountIs('AWS::EC2::NatGateway', 0);
    tpl.temporalWorker.resourceCountIs('AWS::EC2::FlowLog', 1);
    tpl.temporalWorker.hasResourceProperties('AWS::ECS::Service', { DesiredCount: TEMPORAL_WORKER_SERVICE.tasks, LaunchType: 'FARGATE' });
    tpl.temporalWorker.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: String(TEMPORAL_WORKER_SERVICE.vcpu * 1024),
      Memory: String(TEMPORAL_WORKER_SERVICE.memoryGb * 1024),
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          Secrets: ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY'].map((Name) => ({ Name, ValueFrom: Match.anyValue() })),
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        }),
      ],
    });
    const td = resourcesOf(t.temporalWorker, 'AWS::ECS::TaskDefinition')[0]![1];
    const env = ((td.ContainerDefinitions as Json[])[0]!.Environment as { Name: string }[]).map((e) => e.Name);
    expect(env.filter((n) => /TEMPORAL|KEY|SECRET|TOKEN/i.test(n))).toEqual([]);
    // No inbound rule at all.
    tpl.temporalWorker.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
  });

  it("scopes the worker's task role to the five service tables", () => {
    const td = resourcesOf(t.temporalWorker, 'AWS::ECS::TaskDefinition')[0]![1];
    const access = tableAccess(t.temporalWorker, refId(td.TaskRoleArn)!);
    expect(writes(access)).toEqual(namesOf(TEMPORAL_WORKER_ACCESS.write));
    expect(access[tables.orderEvents]).toBeUndefined();
  });
});

describe('the deployment record', () => {
  it('is built from the stacks’ outputs, with every key the deploy command reads', () => {
    // What `cdk deploy --outputs-file` would write, one value per output the templates declare.
    const outputs = Object.fromEntries(
      (['data', 'choreography', 'eventbridge', 'stepfunctions', 'temporalWorker', 'lambda-durable'] as const).map((k) => [
        stackOf(built, k).stackName,
        Object.fromEntries(Object.keys(t[k].Outputs ?? {}).map((o) => [o, o === OUTPUTS.stateMachineType ? 'STANDARD' : `value-of-${o}`])),
      ]),
    );
    for (const [k, role] of Object.entries(tables)) outputs[names.data]![OUTPUTS.table(k)] = role;
    for (const variant of DEPLOY_VARIANTS) {
      const d = awsDeploymentFromOutputs(variant, PREFIX, outputs);
      expect(parseDeployment(d)).toEqual(d);
      expect(d.placement).toMatchObject({ target: 'aws', stacks: [names.data, variantStack(PREFIX, variant)] });
      expect(d.tables).toEqual(tables);
    }
    const chor = awsDeploymentFromOutputs('choreography', PREFIX, outputs).resources;
    expect(chor.variant === 'choreography' && Object.keys(chor.queues).sort()).toEqual(
      choreographyTopology(PREFIX)
        .queues.map((q) => q.consumer)
        .sort(),
    );
  });
});

/** A queue and a subscription as both sides describe them, names without the prefix. */
interface QueueShape {
  name: string;
  visibilityTimeout: number;
  dlq: { name: string; maxReceiveCount: number } | null;
}
interface SubscriptionShape {
  queue: string;
  filterPolicy: unknown;
  raw: boolean;
}
const arnName = (arn: string) => arn.split(':').pop()!;
const unprefixed = (prefix: string, name: string) => (name.startsWith(`${prefix}-`) ? name.slice(prefix.length + 1) : `!${name}`);
const byName = <T extends { name?: string; queue?: string }>(xs: T[]) =>
  [...xs].sort((a, b) => String(a.name ?? a.queue).localeCompare(String(b.name ?? b.queue)));

describe('one topology source', () => {
  let clients: AwsClients;
  beforeAll(() => {
    clients = createAwsClients({ kind: 'local', endpoints: inject('substrate').moto.endpoints });
  });
  afterAll(() => clients.destroy());

  it('the topic, queues, DLQs, redrive, subscriptions and filter policies provisioned locally are the ones the choreography stack deploys', async () => {
    const prefix = `topo${Date.now().toString(36)}`;
    const provisioned = await provisionChoreography(clients, prefix);

    // Read back from the emulator, not from what provisioning returned.
    const urls = (await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }))).QueueUrls ?? [];
    const local: QueueShape[] = [];
    for (const url of urls) {
      const a = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
      const redrive = a.RedrivePolicy
        ? (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number | string })
        : undefined;
      local.push({
        name: unprefixed(prefix, url.split('/').pop()!),
        visibilityTimeout: Number(a.VisibilityTimeout),
        dlq: redrive
          ? { name: unprefixed(prefix, arnName(redrive.deadLetterTargetArn)), maxReceiveCount: Number(redrive.maxReceiveCount) }
          : null,
      });
    }
    const localSubs: SubscriptionShape[] = [];
    const subs = (await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: provisioned.busArn }))).Subscriptions ?? [];
    for (const sub of subs) {
      const a = (await clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn! }))).Attributes ?? {};
      localSubs.push({
        queue: unprefixed(prefix, arnName(sub.Endpoint!)),
        filterPolicy: JSON.parse(a.FilterPolicy ?? 'null'),
        raw: a.RawMessageDelivery === 'true',
      });
    }

    // The same, from the synthesized template (AWS's default visibility timeout where the template sets none).
    const cdkQueues: QueueShape[] = resourcesOf(t.choreography, 'AWS::SQS::Queue')
      .filter(([, p]) => p.QueueName !== `${PREFIX}-outbox-publisher-failures`)
      .map(([, p]) => {
        const r = p.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number } | undefined;
        return {
          name: unprefixed(PREFIX, p.QueueName as string),
          visibilityTimeout: (p.VisibilityTimeout as number | undefined) ?? 30,
          dlq: r
            ? { name: unprefixed(PREFIX, queueName(t.choreography, refId(r.deadLetterTargetArn))!), maxReceiveCount: r.maxReceiveCount }
            : null,
        };
      });
    const cdkSubs: SubscriptionShape[] = resourcesOf(t.choreography, 'AWS::SNS::Subscription').map(([, p]) => ({
      queue: unprefixed(PREFIX, queueName(t.choreography, refId(p.Endpoint))!),
      filterPolicy: p.FilterPolicy,
      raw: p.RawMessageDelivery === true,
    }));

    expect(arnName(provisioned.busArn).slice(prefix.length)).toBe(
      (resourcesOf(t.choreography, 'AWS::SNS::Topic')[0]![1].TopicName as string).slice(PREFIX.length),
    );
    expect(local).toHaveLength(choreographyTopology(prefix).queues.length * 2);
    expect(byName(local)).toEqual(byName(cdkQueues));
    expect(byName(localSubs)).toEqual(byName(cdkSubs));
  });
});

describe('the Lambda bundles run the shared code', () => {
  const saved = { ...process.env };
  let clients: AwsClients;
  let bundles: Record<string, string>;
  const order = (orderId: string, transient = 0) => ({
    orderId,
    customerId: 'cust-1',
    lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 250 }],
    totalCents: 250,
    paymentToken: paymentToken('ok', transient),
    shippingAddress: address('ok'),
  });

  beforeAll(() => {
    const { moto } = inject('substrate');
    clients = createAwsClients({ kind: 'local', endpoints: moto.endpoints });
    // What the bundles' `createAwsClients({ kind: 'aws' })` reads: the SDK's standard env, pointed at the emulator.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: moto.endpoints.sqs,
      AWS_ENDPOINT_URL_SNS: moto.endpoints.sns,
      AWS_ENDPOINT_URL_DYNAMODB: moto.endpoints.dynamodb,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'sagabench-local',
      AWS_SECRET_ACCESS_KEY: 'sagabench-local',
    });
    const assets = fs
      .readdirSync(outdir)
      .map((a) => path.join(outdir, a, 'index.mjs'))
      .filter((f) => fs.existsSync(f));
    // Told apart by what each exports (the durable saga's bundle is a third one: a two-way split by
    // content handed it to the Step Functions test whenever the directory listed it last).
    const kind = (text: string) =>
      text.includes('outbox item') ? 'choreography' : text.includes('DURABLE_ENV') ? 'lambda-durable' : 'stepfunctions';
    bundles = Object.fromEntries(assets.map((f) => [kind(fs.readFileSync(f, 'utf8')), f]));
    expect(Object.keys(bundles).sort()).toEqual(['choreography', 'lambda-durable', 'stepfunctions']);
  });
  afterAll(() => {
    clients.destroy();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('choreography: the publisher moves an outbox item to the bus, and the inventory handler reserves stock and answers with partial batch responses', async () => {
    const prefix = `bndl${Date.now().toString(36)}`;
    const tables = await provisionTables(clients, prefix);
    const topology = await provisionChoreography(clients, prefix);
    const deps = choreographyDeps(clients, tables, topology.busArn);
    await deps.inventory.seedStock({ WIDGET: 3 });
    Object.assign(process.env, {
      SAGABENCH_TABLES: JSON.stringify(tables),
      SAGABENCH_TOPIC_ARN: topology.busArn,
      SAGABENCH_QUEUE_URL: topology.queues.inventory!.url,
      SAGABENCH_SERVICE: 'inventory',
    });
    const lambda = (await import(bundles.choreography!)) as Record<string, (e: unknown) => Promise<{ batchItemFailures: unknown[] }>>;

    const { totalCents: _total, ...placeOrder } = order('bundle-1');
    const { event } = await deps.orders.placeOrder(placeOrder);
    const [item] = await deps.store.pendingOutbox();
    expect(item?.event.messageId).toBe(event.messageId);
    const stream = {
      Records: [
        {
          eventName: 'INSERT',
          dynamodb: {
            SequenceNumber: '100',
            Keys: { pk: { S: '#outbox' } },
            NewImage: { pk: { S: '#outbox' }, seq: { N: String(item!.seq) }, event: { S: JSON.stringify(item!.event) } },
          },
        },
      ],
    };
    expect(await lambda.publisher!(stream)).toEqual({ batchItemFailures: [] });
    expect(await deps.store.pendingOutbox()).toEqual([]);

    const inventoryQueue = topology.queues.inventory!;
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: inventoryQueue.url,
        WaitTimeSeconds: 5,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const m = received.Messages?.[0];
    expect(JSON.parse(m!.Body!)).toMatchObject({ type: 'OrderPlaced', orderId: 'bundle-1' });
    const sqsEvent = (body: string, id: string) => ({
      Records: [
        {
          messageId: id,
          receiptHandle: m!.ReceiptHandle!,
          body,
          attributes: { ApproximateReceiveCount: '1' },
          messageAttributes: {},
          eventSource: 'aws:sqs',
          eventSourceARN: inventoryQueue.arn,
        },
      ],
    });
    expect(await lambda.handler!(sqsEvent(m!.Body!, m!.MessageId!))).toEqual({ batchItemFailures: [] });
    expect(await tableReader(clients, tables).snapshot('bundle-1')).toMatchObject({ reservation: 'RESERVED' });
    // The reaction went out on the bus to the payments queue; poison comes back as a batch item failure.
    const payments = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: topology.queues.payments!.url, WaitTimeSeconds: 5 }));
    expect(JSON.parse(payments.Messages![0]!.Body!)).toMatchObject({ type: 'InventoryReserved', orderId: 'bundle-1' });
    expect(await lambda.handler!(sqsEvent('not json', 'poison-1'))).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison-1' }] });
  });

  it('stepfunctions: the task bundle runs the shared task runner, and a transient failure keeps the error name the Retry matches', async () => {
    const tables = await provisionTables(clients, `bndl${Date.now().toString(36)}`);
    await tableReader(clients, tables).repos.inventory.seedStock({ WIDGET: 3 });
    process.env.SAGABENCH_TABLES = JSON.stringify(tables);
    const { handler } = (await import(bundles.stepfunctions!)) as { handler: (e: unknown) => Promise<unknown> };
    expect(await handler({ task: 'reserve', order: order('bundle-2', 1) })).toEqual({ status: 'RESERVED', reservationId: 'res-bundle-2' });
    const err = (await handler({ task: 'charge', order: order('bundle-2', 1), retryCount: 0 }).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('TransientError');
    expect(await handler({ task: 'charge', order: order('bundle-2', 1), retryCount: 1 })).toMatchObject({ status: 'CHARGED' });
  });
});
