import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DomainEvent } from '../../shared/domain/contracts.ts';
import { EVENT_SOURCE } from '../../shared/topology/choreography.ts';

/** PutEvents takes at most ten entries a call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/**
 * Puts the events on the custom bus, ten to a call: the type rides as `detail-type`,
 * which the rules' patterns match, the event itself as `detail`. PutEvents answers 200
 * even when entries fail, so a failed entry is thrown: the caller's retry (the outbox,
 * the message's redelivery) sends the batch again, and consumers recognise the
 * entries that had gone through by their messageId.
 */
export async function putDomainEvents(events: EventBridgeClient, busArn: string, batch: readonly DomainEvent[]): Promise<void> {
  for (let i = 0; i < batch.length; i += PUT_EVENTS_MAX_ENTRIES) {
    const chunk = batch.slice(i, i + PUT_EVENTS_MAX_ENTRIES);
    const r = await events.send(
      new PutEventsCommand({
        Entries: chunk.map((e) => ({ EventBusName: busArn, Source: EVENT_SOURCE, DetailType: e.type, Detail: JSON.stringify(e) })),
      }),
    );
    if (r.FailedEntryCount) {
      const failed = (r.Entries ?? []).flatMap((x, j) =>
        x.ErrorCode ? [`${chunk[j]?.type}: ${x.ErrorCode} ${x.ErrorMessage ?? ''}`] : [],
      );
      throw new Error(`PutEvents: ${r.FailedEntryCount} of ${chunk.length} entries refused (${failed.join('; ')})`);
    }
  }
}
