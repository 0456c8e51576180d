/**
 * EventPort over EventBridge: one PutEvents entry per event, Source = the CloudEvent's source, DetailType = its
 * type, Detail = the whole envelope (rules can match on `detail.data.condition.type`, `detail.subject`, ...).
 * EventBridge gives no ordering guarantee; consumers that need the story in order use `detail.data.sequence` or
 * the FIFO SNS topic (docs/adr/0006-event-bus.md).
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { BusEvent, EventPort } from '../../steps/ports.ts';
import { UnavailableError } from '../../errors.ts';
import { EventRejectedError, isThrottling, publishFailure } from './errors.ts';

export class EventBridgePublisher implements EventPort {
  /** A client, or how to build one at first use (the SDK module is loaded only then: a cold start is not charged). */
  readonly #client: EventBridgeClient | (() => Promise<EventBridgeClient>);
  readonly #busName: string;

  constructor(client: EventBridgeClient | (() => Promise<EventBridgeClient>), busName: string) {
    this.#client = client;
    this.#busName = busName;
  }

  get busName(): string {
    return this.#busName;
  }

  async publish(event: BusEvent): Promise<void> {
    const what = `EventBridge PutEvents of ${event.type} for ${event.subject} to bus ${this.#busName}`;
    let answer;
    try {
      const { PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
      const client = typeof this.#client === 'function' ? await this.#client() : this.#client;
      answer = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.#busName,
              Source: event.source,
              DetailType: event.type,
              Detail: JSON.stringify(event),
              Time: new Date(event.time),
            },
          ],
        }),
      );
    } catch (err) {
      throw publishFailure(what, err);
    }
    // PutEvents answers 200 even when an entry failed: the failure is in the entry (FailedEntryCount, ErrorCode).
    if ((answer.FailedEntryCount ?? 0) === 0) return;
    const entry = answer.Entries?.[0];
    const detail = `${entry?.ErrorCode ?? 'unknown error'}: ${entry?.ErrorMessage ?? ''}`;
    if (entry?.ErrorCode === 'InternalFailure' || isThrottling(entry?.ErrorCode))
      throw new UnavailableError(`${what} failed: ${detail}`);
    throw new EventRejectedError(`${what} rejected: ${detail}`);
  }
}
