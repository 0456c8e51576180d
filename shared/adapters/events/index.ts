/** Where step transitions go for other teams: SNS (FIFO), EventBridge, both, or nowhere (docs/adr/0006). */
export { CompositePublishError, CompositePublisher, NoopPublisher } from './composite-publisher.ts';
export { EventRejectedError, publishFailure } from './errors.ts';
export { EventBridgePublisher } from './eventbridge-publisher.ts';
export { publisherFromEnv, type PublisherClients } from './publisher-from-env.ts';
export { isFifoTopicArn, SnsEventPublisher, snsMessageAttributes, transitionDeduplicationId } from './sns-publisher.ts';
