/**
 * EventPort over SNS: the CloudEvent in structured mode (the whole envelope, JSON) as the message, with its
 * filterable fields copied into message attributes so subscribers can use SNS filter policies.
 *
 * FIFO topic (ARN ending in `.fifo`): MessageGroupId = the ops request uid, so one ops request's transitions reach
 * every FIFO subscriber in publish order; MessageDeduplicationId = a hash of the transition itself (not of the event
 * id, which is new on every attempt), so the same transition published twice within SNS's 5-minute deduplication
 * interval — an SDK retry whose first attempt did land, a replayed step — is delivered once.
 */
import { createHash } from 'node:crypto';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { TransitionEvent } from '../../messages/transition-event.ts';
import type { EventPort } from '../../steps/ports.ts';
import { publishFailure } from './errors.ts';

export const isFifoTopicArn = (topicArn: string): boolean => topicArn.endsWith('.fifo');

/**
 * At most 8 attributes: with raw message delivery SNS hands them to SQS, which accepts 10 per message, so a
 * subscriber keeps room for its own. Empty values are left out (SNS rejects an empty attribute value).
 */
export function snsMessageAttributes(event: TransitionEvent): Record<string, MessageAttributeValue> {
  const attributes: Record<string, string> = {
    'cloudevents.specversion': event.specversion,
    type: event.type,
    source: event.source,
    subject: event.subject,
    clusterId: event.data.clusterId,
    phase: event.data.phase,
    conditionType: event.data.condition.type,
    conditionStatus: event.data.condition.status,
  };
  return Object.fromEntries(
    Object.entries(attributes)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
}

/** Same ops request (uid), same condition, same status, reason and message → same id (SHA-256 hex, 64 chars ≤ 128). */
export function transitionDeduplicationId(event: TransitionEvent): string {
  const { opsRequest, condition } = event.data;
  const identity = [
    opsRequest.uid,
    event.subject,
    condition.type,
    condition.status,
    condition.reason ?? '',
    condition.message ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

export class SnsEventPublisher implements EventPort {
  readonly #client: SNSClient;
  readonly #topicArn: string;
  readonly #fifo: boolean;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
    this.#fifo = isFifoTopicArn(topicArn);
  }

  get topicArn(): string {
    return this.#topicArn;
  }

  async publish(event: TransitionEvent): Promise<void> {
    const command = new PublishCommand({
      TopicArn: this.#topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: snsMessageAttributes(event),
      ...(this.#fifo
        ? { MessageGroupId: event.data.opsRequest.uid, MessageDeduplicationId: transitionDeduplicationId(event) }
        : {}),
    });
    try {
      await this.#client.send(command);
    } catch (err) {
      throw publishFailure(`SNS Publish of ${event.type} for ${event.subject} to ${this.#topicArn}`, err);
    }
  }
}
