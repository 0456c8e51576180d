/**
 * RolloutEventPort over SNS: the rollout's transition CloudEvents on the same events topic as the step transitions.
 * FIFO: MessageGroupId = the rollout uid (one rollout's story in order), MessageDeduplicationId = a hash of the
 * transition id (deterministic, shared/fleet/status.ts), so a transition decided twice within 5 minutes is one event.
 * No topic configured: nothing is published.
 */
import { createHash } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { RolloutTransition } from '../../fleet/types.ts';
import { dataschemaFor, traceExtensions, type TraceExtensions } from '../../messages/cloudevent.ts';
import { rolloutEventSchema, rolloutEventTypeFor, ROLLOUT_EVENT_VERSION } from '../../messages/rollout-event.ts';
import type { RolloutEventPort } from '../../steps/rollout/ports.ts';
import { publishFailure } from './errors.ts';
import { isFifoTopicArn } from './sns-publisher.ts';

type RolloutRefFields = Parameters<RolloutEventPort['publish']>[0];

export function rolloutEvent(
  ref: RolloutRefFields,
  t: RolloutTransition,
  now: Date = new Date(),
  trace: TraceExtensions = {},
) {
  const type = rolloutEventTypeFor(t.type);
  return rolloutEventSchema.parse({
    ...traceExtensions(trace),
    specversion: '1.0',
    id: t.id,
    source: 'urn:redis-reconfigure:function:rollout',
    type,
    subject: `${ref.clusterId}/${ref.namespace}/${ref.name}`,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataschemaFor(type),
    data: {
      version: ROLLOUT_EVENT_VERSION,
      clusterId: ref.clusterId,
      namespace: ref.namespace,
      rollout: { name: ref.name, uid: ref.uid },
      transition: t.type,
      ...(t.wave !== undefined ? { wave: t.wave } : {}),
      message: t.message.slice(0, 4096),
    },
  });
}

export class SnsRolloutPublisher implements RolloutEventPort {
  readonly #client: SNSClient | undefined;
  readonly #topicArn: string;

  constructor(topicArn: string, client?: SNSClient) {
    this.#topicArn = topicArn;
    this.#client = topicArn === '' ? undefined : (client ?? new SNSClient({ maxAttempts: 3 }));
  }

  async publish(ref: RolloutRefFields, t: RolloutTransition, trace: TraceExtensions = {}): Promise<void> {
    if (this.#client === undefined) return;
    const event = rolloutEvent(ref, t, new Date(), trace);
    const fifo = isFifoTopicArn(this.#topicArn);
    const command = new PublishCommand({
      TopicArn: this.#topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: event.type },
        subject: { DataType: 'String', StringValue: event.subject },
      },
      ...(fifo
        ? { MessageGroupId: ref.uid, MessageDeduplicationId: createHash('sha256').update(t.id).digest('hex') }
        : {}),
    });
    try {
      await this.#client.send(command);
    } catch (err) {
      throw publishFailure(`SNS Publish of ${event.type} for ${event.subject}`, err);
    }
  }
}
