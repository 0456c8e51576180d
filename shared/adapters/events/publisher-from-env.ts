/**
 * The EventPort a function gets from its environment (serverless.yml):
 * - EVENTS_TOPIC_ARN set → SNS (FIFO when the ARN ends in `.fifo`);
 * - EVENT_BUS_NAME set → EventBridge, on that bus (name or ARN);
 * - both → both, through CompositePublisher; neither (or empty) → NoopPublisher.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import type { EventPort } from '../../steps/ports.ts';
import { CompositePublisher, NoopPublisher } from './composite-publisher.ts';
import { MisconfigurationError } from '../../errors.ts';
import { EventBridgePublisher } from './eventbridge-publisher.ts';
import { SnsEventPublisher } from './sns-publisher.ts';

const SNS_TOPIC_ARN = /^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const EVENT_BUS = /^(arn:[a-z-]+:events:[a-z0-9-]+:\d{12}:event-bus\/)?[A-Za-z0-9._\-/]{1,256}$/;

/**
 * Publishing is best effort (docs/adr/0006): a hung connection must not hold a step until the Lambda timeout, so
 * each request is bounded; the SDK still retries (standard mode, 3 attempts) throttling and 5xx answers.
 */
const clientConfig = (): {
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
} => ({
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
});

/** Built at the first publish: the EventBridge SDK module costs ~20 ms to load, which a cold start need not pay. */
function lazyEventBridgeClient(): () => Promise<EventBridgeClient> {
  let client: Promise<EventBridgeClient> | undefined;
  return () => (client ??= import('@aws-sdk/client-eventbridge').then((m) => new m.EventBridgeClient(clientConfig())));
}

export interface PublisherClients {
  sns?: SNSClient;
  eventBridge?: EventBridgeClient;
}

export function publisherFromEnv(
  env: Record<string, string | undefined> = process.env,
  clients: PublisherClients = {},
): EventPort {
  const topicArn = env.EVENTS_TOPIC_ARN?.trim() ?? '';
  const busName = env.EVENT_BUS_NAME?.trim() ?? '';
  const publishers: EventPort[] = [];
  if (topicArn !== '') {
    if (!SNS_TOPIC_ARN.test(topicArn))
      throw new MisconfigurationError(`EVENTS_TOPIC_ARN is not an SNS topic ARN: "${topicArn}"`);
    publishers.push(new SnsEventPublisher(clients.sns ?? new SNSClient(clientConfig()), topicArn));
  }
  if (busName !== '') {
    if (!EVENT_BUS.test(busName))
      throw new MisconfigurationError(`EVENT_BUS_NAME is not an event bus name or ARN: "${busName}"`);
    publishers.push(new EventBridgePublisher(clients.eventBridge ?? lazyEventBridgeClient(), busName));
  }
  if (publishers.length === 0) return new NoopPublisher();
  return publishers.length === 1 ? publishers[0]! : new CompositePublisher(publishers);
}
