import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { EventBus, EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SERVICES } from '../../shared/domain/contracts.ts';
import { accessOf, CHOREOGRAPHY_ACCESS } from '../../shared/topology/access.ts';
import {
  choreographyTopology,
  DETAIL_ONLY,
  MAX_RECEIVE_COUNT,
  VISIBILITY_TIMEOUT_SECONDS,
  type QueueSpec,
} from '../../shared/topology/choreography.ts';
import { tableNames, type TableRole } from '../../shared/topology/tables.ts';
import { DEFAULT_REDELIVERY_SECONDS, REDELIVERY_ENV, REDELIVERY_SECONDS } from '../../shared/topology/redelivery.ts';
import { LAMBDA_ENV } from '../lambda.ts';
import { OUTPUTS, pascal } from '../../shared/topology/outputs.ts';
import { bundledFunction, grantTableAccess } from '../../shared/cdk/lambda.ts';
import { acknowledge, REASONS } from '../../shared/cdk/nag.ts';
import type { BusKind } from '../../shared/engines/provision.ts';

export interface ChoreographyStackProps extends StackProps {
  prefix: string;
  tables: Record<TableRole, ITable>;
  /** The bus: an SNS topic with filtered subscriptions (the default) or an EventBridge custom bus with a rule per queue. */
  bus?: BusKind;
}

const ENTRY = 'choreography/lambda.ts';

/** SSE with SQS-owned keys: SNS can deliver into it without a key policy, and it costs nothing extra. */
const encryptedQueue = (scope: Construct, id: string, queueName: string, extra: Partial<ConstructorParameters<typeof Queue>[2]> = {}) =>
  new Queue(scope, id, { queueName, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, ...extra });

/**
 * The domain bus, the per-consumer queues with their DLQs and filtered
 * subscriptions (all from `choreographyTopology`, as `local up` provisions
 * them), and one function per service on its queue with partial batch
 * responses, plus the outbox publisher on the event store's stream.
 */
export class ChoreographyStack extends Stack {
  readonly topic?: Topic;
  readonly eventBus?: EventBus;
  readonly queues: Record<string, Queue>;
  readonly functions: Record<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: ChoreographyStackProps) {
    super(scope, id, props);
    const topology = choreographyTopology(props.prefix, props.bus);

    let busArn: string;
    if ((props.bus ?? 'sns') === 'sns') {
      // The AWS-managed SNS key: encrypted at rest without a key policy to keep in step with every publisher.
      this.topic = new Topic(this, 'Bus', {
        topicName: topology.topicName,
        masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
        enforceSSL: true,
      });
      busArn = this.topic.topicArn;
      new CfnOutput(this, OUTPUTS.topicArn, { value: busArn });
    } else {
      this.eventBus = new EventBus(this, 'Bus', { eventBusName: topology.busName });
      busArn = this.eventBus.eventBusArn;
      new CfnOutput(this, OUTPUTS.eventBusArn, { value: busArn });
    }

    this.queues = {};
    for (const spec of topology.queues) this.queues[spec.consumer] = this.subscribedQueue(spec);

    const env = {
      [LAMBDA_ENV.tables]: JSON.stringify(tableNames(props.prefix)),
      [LAMBDA_ENV.topicArn]: busArn,
      // The handlers' retry deadline follows the queues' visibility timeout, so they read the same setting.
      ...(REDELIVERY_SECONDS === DEFAULT_REDELIVERY_SECONDS ? {} : { [REDELIVERY_ENV]: String(REDELIVERY_SECONDS) }),
    };
    this.functions = {};
    for (const service of SERVICES) {
      const queue = this.queues[service];
      if (!queue) throw new Error(`the topology has no queue for ${service}`);
      const fn = bundledFunction(this, `${pascal(service)}Function`, {
        entry: ENTRY,
        handler: 'handler',
        description: `choreography: the ${service} service`,
        environment: { ...env, [LAMBDA_ENV.service]: service, [LAMBDA_ENV.queueUrl]: queue.queueUrl },
      });
      // Grants receive/delete/ChangeMessageVisibility on this queue only; the handler sets its own retry backoff.
      fn.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));
      this.grant(fn, service, props.tables);
      this.functions[service] = fn;
    }

    // Stream failures the publisher gave up on land here rather than blocking the shard.
    const publisherFailures = encryptedQueue(this, 'PublisherFailures', topology.publisherFailuresName, {
      retentionPeriod: Duration.days(14),
    });
    acknowledge(publisherFailures, 'AwsSolutions-SQS3', REASONS.publisherFailures);
    const publisher = bundledFunction(this, 'PublisherFunction', {
      entry: ENTRY,
      handler: 'publisher',
      description: 'choreography: the orders outbox publisher',
      environment: env,
    });
    publisher.addEventSource(
      new DynamoEventSource(props.tables.orderEvents, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(publisherFailures),
        // Only new outbox items; the event streams themselves are not the publisher's business.
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { pk: { S: FilterRule.isEqual('#outbox') } } },
          }),
        ],
      }),
    );
    acknowledge(publisher.role!, 'AwsSolutions-IAM5[Resource::*]', REASONS.streamList);
    this.grant(publisher, 'publisher', props.tables);
    this.functions.publisher = publisher;
    new CfnOutput(this, 'PublisherFailuresQueueUrl', { value: publisherFailures.queueUrl });
  }

  private subscribedQueue(spec: QueueSpec): Queue {
    const id = pascal(spec.consumer);
    const dlq = encryptedQueue(this, `${id}Dlq`, spec.dlqName, { retentionPeriod: Duration.days(14) });
    const queue = encryptedQueue(this, `${id}Queue`, spec.name, {
      visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_SECONDS),
      deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    const filterPolicy = Object.fromEntries(
      Object.entries(spec.filterPolicy).map(([attribute, allowlist]) => [attribute, SubscriptionFilter.stringFilter({ allowlist })]),
    );
    if (this.topic) this.topic.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true, filterPolicy }));
    else
      // The detail alone reaches the queue (DETAIL_ONLY in the topology), as SNS raw delivery hands over the event.
      new Rule(this, `${id}Rule`, {
        eventBus: this.eventBus!,
        ruleName: spec.ruleName,
        eventPattern: { source: spec.eventPattern.source, detailType: spec.eventPattern['detail-type'] },
        targets: [new SqsQueue(queue, { message: RuleTargetInput.fromObject(EventField.fromPath(DETAIL_ONLY.InputPathsMap.detail)) })],
      });
    new CfnOutput(this, OUTPUTS.queueUrl(spec.consumer), { value: queue.queueUrl });
    new CfnOutput(this, OUTPUTS.queueArn(spec.consumer), { value: queue.queueArn });
    new CfnOutput(this, OUTPUTS.dlqUrl(spec.consumer), { value: dlq.queueUrl });
    return queue;
  }

  private grant(fn: NodejsFunction, unit: keyof typeof CHOREOGRAPHY_ACCESS, tables: Record<TableRole, ITable>): void {
    const access = accessOf(CHOREOGRAPHY_ACCESS, unit, 'choreography function');
    grantTableAccess(fn, tables, access);
    if (access.publishes && this.eventBus) this.eventBus.grantPutEventsTo(fn);
    else if (access.publishes && this.topic) {
      this.topic.grantPublish(fn);
      acknowledge(fn.role!, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', REASONS.snsManagedKey);
      acknowledge(
        fn.role!,
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]',
        REASONS.snsManagedKey,
      );
    }
    new CfnOutput(this, OUTPUTS.functionName(unit), { value: fn.functionName });
  }
}
