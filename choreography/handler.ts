import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { ContractError, parseEvent, type ServiceName } from '../shared/domain/contracts.ts';
import { backoffSeconds } from '../shared/domain/retry.ts';
import { TransientError } from '../shared/services/errors.ts';
import { InfrastructureError, retryTransient } from '../shared/aws/transient.ts';
import { VISIBILITY_TIMEOUT_SECONDS } from '../shared/topology/choreography.ts';
import type { ChoreographyDeps } from './deps.ts';
import { react } from './reactions.ts';
import type { TraceSink } from '../shared/messaging/trace.ts';
import { roundTimes, timeCalls } from '../shared/aws/call-timing.ts';

/**
 * Lambda-shaped: an SQS batch in, the ids of the records that failed out
 * (ReportBatchItemFailures), so the same function runs under a Lambda event source
 * mapping on AWS and under the local long-polling consumer. A failed record stays
 * in its queue: a transient error comes back after the shared backoff, poison
 * comes back at once until maxReceiveCount moves it to the DLQ. A throttle or
 * 5xx that outlasts the SDK's attempts is retried here while the batch is still
 * this consumer's: a redelivery would count as the bank's or carrier's next
 * attempt, and five of them would send a healthy event to the DLQ.
 */
export function makeHandler(service: ServiceName, deps: ChoreographyDeps, queueUrl: string, trace?: TraceSink) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    const visibleAgainAt = Date.now() + VISIBILITY_TIMEOUT_SECONDS * 1000;
    for (const record of event.Records) {
      const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
      const started = Date.now();
      let orderId = 'unknown';
      try {
        const domainEvent = parseEvent(record.body);
        orderId = domainEvent.orderId;
        const { io } = await timeCalls(() =>
          retryTransient(
            () => react(service, domainEvent, attempt, deps),
            visibleAgainAt - 5000,
            (err, n) => console.error(`${service}: ${domainEvent.orderId}: ${err.name}: ${err.message}, retry ${n}`),
          ),
        );
        trace?.record({
          orderId,
          step: `${service}:${domainEvent.type}`,
          service,
          start: started,
          end: Date.now(),
          attempt,
          io: roundTimes(io),
        });
      } catch (err) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        const delay = err instanceof TransientError || err instanceof InfrastructureError ? backoffSeconds(attempt + 1) : 0;
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
