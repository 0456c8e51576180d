/**
 * Local SQS and SNS: the fauxqs emulator over HTTP on loopback, with exactly the queues, DLQs, redrive policies,
 * SNS topics and subscriptions that serverless.yml declares. Clients use the real AWS SDK pointed at `endpoint` (both services).
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { loadServerlessConfig, type QueueConfig, type TopicConfig } from '../serverless-config.ts';
import { createLocalSnsClient, createLocalSqsClient } from './client.ts';
import { createQueues } from './create-queues.ts';
import { startSqsEmulator } from './emulator.ts';
import { createTopics, subscribeDeclared, subscribeQueue, type SubscribeQueueOptions } from './topics.ts';

export { createLocalSnsClient, createLocalSqsClient, LOCAL_CREDENTIALS } from './client.ts';
export { creationOrder, localQueueUrl, queueAttributes, QueueSetupError } from './create-queues.ts';
export { topicAttributes, TopicSetupError, type SubscribeQueueOptions } from './topics.ts';

interface StartLocalSqsOptions {
  stage?: string;
  /** Default: the project's serverless.yml. */
  serverlessYml?: string;
  /** Default: 0 (ephemeral). */
  port?: number;
}

export interface LocalSqs {
  endpoint: string;
  region: string;
  client: SQSClient;
  sns: SNSClient;
  /** Keyed by CloudFormation logical id (e.g. `HaltQueue`, `HaltDLQ`). */
  queueUrls: Record<string, string>;
  queueArns: Record<string, string>;
  queues: QueueConfig[];
  /** SNS topic ARNs keyed by logical id (e.g. `EventsTopic`): what `!Ref EventsTopic` gives the functions. */
  topicArns: Record<string, string>;
  topics: TopicConfig[];
  /**
   * Creates `queueName` (`.fifo` appended for a FIFO topic) and subscribes it to the topic with raw message
   * delivery; returns its URL. For tests and for `npm run local` users who want to read the transition events.
   */
  subscribeQueue(topicLogicalId: string, queueName: string, options?: SubscribeQueueOptions): Promise<string>;
  stop(): Promise<void>;
}

export async function startLocalSqs(options: StartLocalSqsOptions = {}): Promise<LocalSqs> {
  const config = loadServerlessConfig({
    ...(options.serverlessYml ? { path: options.serverlessYml } : {}),
    ...(options.stage ? { stage: options.stage } : {}),
  });
  const emulator = await startSqsEmulator({
    region: config.region,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const client = createLocalSqsClient(emulator.endpoint, config.region);
  const sns = createLocalSnsClient(emulator.endpoint, config.region);
  const stopAll = async (): Promise<void> => {
    client.destroy();
    sns.destroy();
    await emulator.stop();
  };
  try {
    const refs = await createQueues(client, config.queues, emulator.endpoint);
    const topicArns = await createTopics(sns, config.topics);
    await subscribeDeclared(sns, config.subscriptions, topicArns, refs.queueArns);
    const context = { sqs: client, sns, endpoint: emulator.endpoint, topics: config.topics, topicArns };
    return {
      endpoint: emulator.endpoint,
      region: config.region,
      client,
      sns,
      ...refs,
      queues: config.queues,
      topicArns,
      topics: config.topics,
      subscribeQueue: (topicLogicalId, queueName, subscribeOptions) =>
        subscribeQueue(context, topicLogicalId, queueName, subscribeOptions),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
