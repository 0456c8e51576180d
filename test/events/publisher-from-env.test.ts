/** Which publisher a function gets from EVENTS_TOPIC_ARN / EVENT_BUS_NAME, and how the composite reports failures. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CompositePublishError,
  CompositePublisher,
  EventBridgePublisher,
  NoopPublisher,
  SnsEventPublisher,
  publisherFromEnv,
} from '../../shared/adapters/events/index.ts';
import { MisconfigurationError as EventPublisherConfigError, UnavailableError } from '../../shared/errors.ts';
import type { TransitionEvent } from '../../shared/messages/transition-event.ts';
import type { EventPort } from '../../shared/steps/ports.ts';
import { transition } from './helpers.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:redis-reconfigure-prod-events.fifo';

class Recording implements EventPort {
  readonly seen: TransitionEvent[] = [];
  readonly #error: Error | undefined;
  constructor(error?: Error) {
    this.#error = error;
  }
  async publish(event: TransitionEvent): Promise<void> {
    this.seen.push(event);
    if (this.#error) throw this.#error;
  }
}

void describe('publisherFromEnv', () => {
  void it('is a no-op publisher when neither variable is set (or both are empty, as serverless.yml leaves them)', async () => {
    assert.ok(publisherFromEnv({}) instanceof NoopPublisher);
    const port = publisherFromEnv({ EVENTS_TOPIC_ARN: '', EVENT_BUS_NAME: ' ' });
    assert.ok(port instanceof NoopPublisher);
    await port.publish(transition());
  });

  void it('publishes to SNS when EVENTS_TOPIC_ARN is set, to EventBridge when EVENT_BUS_NAME is, to both when both are', () => {
    const sns = publisherFromEnv({ EVENTS_TOPIC_ARN: TOPIC });
    assert.ok(sns instanceof SnsEventPublisher);
    assert.equal(sns.topicArn, TOPIC);
    const bus = publisherFromEnv({ EVENT_BUS_NAME: 'ops-events' });
    assert.ok(bus instanceof EventBridgePublisher);
    assert.equal(bus.busName, 'ops-events');
    const both = publisherFromEnv({
      EVENTS_TOPIC_ARN: TOPIC,
      EVENT_BUS_NAME: 'arn:aws:events:eu-west-1:123456789012:event-bus/ops',
    });
    assert.ok(both instanceof CompositePublisher);
    assert.deepEqual(
      both.publishers.map((p) => p.constructor.name),
      ['SnsEventPublisher', 'EventBridgePublisher'],
    );
  });

  void it('refuses values that are not a topic ARN or a bus name, naming the variable', () => {
    assert.throws(
      () => publisherFromEnv({ EVENTS_TOPIC_ARN: 'redis-events' }),
      (err: Error) => err instanceof EventPublisherConfigError && /EVENTS_TOPIC_ARN/.test(err.message),
    );
    assert.throws(
      () => publisherFromEnv({ EVENT_BUS_NAME: 'bad bus!' }),
      (err: Error) => err instanceof EventPublisherConfigError && /EVENT_BUS_NAME/.test(err.message),
    );
  });
});

void describe('CompositePublisher', () => {
  void it('gives every publisher the event even when one fails, and rethrows that one failure as is', async () => {
    const failure = new UnavailableError('sns down');
    const failing = new Recording(failure);
    const working = new Recording();
    const event = transition();
    await assert.rejects(new CompositePublisher([failing, working]).publish(event), (err) => err === failure);
    assert.deepEqual(working.seen, [event]);
  });

  void it('reports several failures together', async () => {
    const composite = new CompositePublisher([new Recording(new UnavailableError('a')), new Recording(new Error('b'))]);
    await assert.rejects(
      composite.publish(transition()),
      (err: Error) =>
        err instanceof CompositePublishError &&
        err.errors.length === 2 &&
        /UnavailableError: a; Error: b/.test(err.message),
    );
  });
});
