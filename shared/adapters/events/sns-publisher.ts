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
import { isDriftEvent, type DriftEvent } from '../../messages/drift-event.ts';
import type { TransitionEvent } from '../../messages/transition-event.ts';
import type { BusEvent, EventPort } from '../../steps/ports.ts';
import { publishFailure } from './errors.ts';

export const isFifoTopicArn = (topicArn: string): boolean => topicArn.endsWith('.fifo');

/**
 * At most 9 attributes: with raw message delivery SNS hands them to SQS, which accepts 10 per message. `rollout`
 * (the FleetRollout's ref, only on the events of an ops request a rollout made) is what the rollout queue's
 * subscription filters on (serverless.yml, RolloutEventsSubscription). Empty values are left out (SNS rejects an
 * empty attribute value).
 */
export function snsMessageAttributes(event: BusEvent): Record<string, MessageAttributeValue> {
  // A drift event is about the Redis's ConfigDrift condition: filtered on like a transition's condition.
  const condition = isDriftEvent(event)
    ? { phase: '', conditionType: 'ConfigDrift', conditionStatus: event.data.status, rollout: '' }
    : {
        phase: event.data.phase,
        conditionType: event.data.condition.type,
        conditionStatus: event.data.condition.status,
        rollout: event.data.rollout?.ref ?? '',
      };
  const attributes: Record<string, string> = {
    'cloudevents.specversion': event.specversion,
    type: event.type,
    source: event.source,
    subject: event.subject,
    clusterId: event.data.clusterId,
    ...condition,
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

  async publish(event: BusEvent): Promise<void> {
    const command = new PublishCommand({
      TopicArn: this.#topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: snsMessageAttributes(event),
      ...(this.#fifo ? fifoFields(event) : {}),
    });
    try {
      await this.#client.send(command);
    } catch (err) {
      throw publishFailure(`SNS Publish of ${event.type} for ${event.subject} to ${this.#topicArn}`, err);
    }
  }
}

/** A drift event's identity: the database and what it reports (the same report published twice is one message). */
export function driftDeduplicationId(event: DriftEvent): string {
  const { status, drifted, notCompared } = event.data;
  return createHash('sha256')
    .update(JSON.stringify([event.subject, event.type, status, drifted, notCompared]))
    .digest('hex');
}

/** FIFO: one ops request's transitions in order (group = its uid); one database's drift reports in order. */
function fifoFields(event: BusEvent): { MessageGroupId: string; MessageDeduplicationId: string } {
  return isDriftEvent(event)
    ? { MessageGroupId: boundedGroupId(event.subject), MessageDeduplicationId: driftDeduplicationId(event) }
    : { MessageGroupId: event.data.opsRequest.uid, MessageDeduplicationId: transitionDeduplicationId(event) };
}

/** SNS FIFO group ids are at most 128 characters; a longer subject is replaced by its hash (still one per database). */
const boundedGroupId = (id: string): string => (id.length <= 128 ? id : createHash('sha256').update(id).digest('hex'));
