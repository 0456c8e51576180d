/**
 * The SNS topics serverless.yml declares, created on the fauxqs endpoint with the attributes CloudFormation would
 * set, and SQS subscriptions to them for tests and for `npm run local` users who want to watch the events.
 */
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SubscriptionConfig, TopicConfig } from '../serverless-config.ts';
import { localQueueUrl, QueueSetupError } from './create-queues.ts';

export class TopicSetupError extends Error {
  override name = 'TopicSetupError';
}

/** The attributes AWS::SNS::Topic's FifoTopic / ContentBasedDeduplication map to in the CreateTopic API. */
export function topicAttributes(topic: TopicConfig): Record<string, string> {
  if (!topic.fifo) return {};
  return { FifoTopic: 'true', ContentBasedDeduplication: String(topic.contentBasedDeduplication) };
}

export async function createTopics(client: SNSClient, topics: TopicConfig[]): Promise<Record<string, string>> {
  const topicArns: Record<string, string> = {};
  for (const topic of topics) {
    const created = await client.send(
      new CreateTopicCommand({ Name: topic.topicName, Attributes: topicAttributes(topic) }),
    );
    if (!created.TopicArn) throw new TopicSetupError(`CreateTopic ${topic.topicName} returned no TopicArn`);
    topicArns[topic.logicalId] = created.TopicArn;
  }
  return topicArns;
}

/**
 * The subscriptions serverless.yml declares, made as CloudFormation makes them: the queue's ARN subscribed to the
 * topic with the declared attributes (raw delivery, filter policy). fauxqs checks no queue policy, so the
 * AWS::SQS::QueuePolicy that lets the topic send has nothing to be checked against locally.
 */
export async function subscribeDeclared(
  sns: SNSClient,
  subscriptions: SubscriptionConfig[],
  topicArns: Record<string, string>,
  queueArns: Record<string, string>,
): Promise<void> {
  for (const sub of subscriptions) {
    const topicArn = topicArns[sub.topicLogicalId];
    const queueArn = queueArns[sub.queueLogicalId];
    if (topicArn === undefined || queueArn === undefined)
      throw new TopicSetupError(
        `subscription ${sub.logicalId}: no topic ${sub.topicLogicalId} or queue ${sub.queueLogicalId}`,
      );
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: sub.attributes }),
    );
  }
}

export interface SubscribeQueueOptions {
  /** SNS subscription FilterPolicy (on message attributes), as JSON text. */
  filterPolicy?: string;
}

interface SubscriptionContext {
  sqs: SQSClient;
  sns: SNSClient;
  endpoint: string;
  topics: TopicConfig[];
  topicArns: Record<string, string>;
}

/**
 * Creates `queueName` (FIFO when the topic is: SNS FIFO topics keep their order only into FIFO queues, whose names
 * must end in `.fifo`, so the suffix is added when missing) and subscribes it to the topic with raw message delivery
 * — the body is the published message itself (the CloudEvent), the SNS message attributes become SQS attributes.
 * Returns the queue URL, re-rooted on the local endpoint.
 */
export async function subscribeQueue(
  context: SubscriptionContext,
  topicLogicalId: string,
  queueName: string,
  options: SubscribeQueueOptions = {},
): Promise<string> {
  const topic = context.topics.find((t) => t.logicalId === topicLogicalId);
  const topicArn = context.topicArns[topicLogicalId];
  if (topic === undefined || topicArn === undefined)
    throw new TopicSetupError(`serverless.yml declares no SNS topic ${topicLogicalId}`);
  const name = topic.fifo && !queueName.endsWith('.fifo') ? `${queueName}.fifo` : queueName;
  const created = await context.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: topic.fifo ? { FifoQueue: 'true' } : {} }),
  );
  if (!created.QueueUrl) throw new QueueSetupError(`CreateQueue ${name} returned no QueueUrl`);
  const read = await context.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = read.Attributes?.QueueArn;
  if (!queueArn) throw new QueueSetupError(`GetQueueAttributes ${name} returned no QueueArn`);
  await context.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: {
        RawMessageDelivery: 'true',
        ...(options.filterPolicy !== undefined ? { FilterPolicy: options.filterPolicy } : {}),
      },
      ReturnSubscriptionArn: true,
    }),
  );
  return localQueueUrl(context.endpoint, created.QueueUrl);
}
