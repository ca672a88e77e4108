import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { ContractError, parseEvent, type ServiceName } from '../shared/domain/contracts.ts';
import { backoffSeconds } from '../shared/domain/retry.ts';
import { TransientError } from '../shared/services/errors.ts';
import type { ChoreographyDeps } from './deps.ts';
import { react } from './reactions.ts';
import type { TraceSink } from '../shared/messaging/trace.ts';

/**
 * Lambda-shaped: an SQS batch in, the ids of the records that failed out
 * (ReportBatchItemFailures), so the same function runs under a Lambda event source
 * mapping on AWS and under the local long-polling consumer. A failed record stays
 * in its queue: a transient error comes back after the shared backoff, poison
 * comes back at once until maxReceiveCount moves it to the DLQ.
 */
export function makeHandler(service: ServiceName, deps: ChoreographyDeps, queueUrl: string, trace?: TraceSink) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
      const started = Date.now();
      let orderId = 'unknown';
      try {
        const domainEvent = parseEvent(record.body);
        orderId = domainEvent.orderId;
        await react(service, domainEvent, attempt, deps);
        trace?.record({ orderId, step: `${service}:${domainEvent.type}`, service, start: started, end: Date.now(), attempt });
      } catch (err) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        const delay = err instanceof TransientError ? backoffSeconds(attempt + 1) : 0;
        if (!(err instanceof TransientError) && !(err instanceof ContractError)) {
          console.error(`${service}: ${orderId}: ${(err as Error).message}`);
        }
        await deps.clients.sqs
          .send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: delay }))
          .catch(() => undefined);
      }
    }
    return { batchItemFailures };
  };
}
