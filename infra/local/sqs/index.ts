/**
 * Local SQS: the fauxqs emulator over HTTP on loopback, with exactly the queues, DLQs and redrive policies that
 * serverless.yml declares. Clients use the real AWS SDK pointed at `endpoint`.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { loadServerlessConfig, type QueueConfig } from '../serverless-config.ts';
import { createLocalSqsClient } from './client.ts';
import { createQueues } from './create-queues.ts';
import { startSqsEmulator } from './emulator.ts';

export { createLocalSqsClient, LOCAL_CREDENTIALS } from './client.ts';
export { creationOrder, localQueueUrl, queueAttributes, QueueSetupError } from './create-queues.ts';

export interface StartLocalSqsOptions {
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
  /** Keyed by CloudFormation logical id (e.g. `HaltQueue`, `HaltDLQ`). */
  queueUrls: Record<string, string>;
  queueArns: Record<string, string>;
  queues: QueueConfig[];
  stop(): Promise<void>;
}

export async function startLocalSqs(options: StartLocalSqsOptions = {}): Promise<LocalSqs> {
  const config = loadServerlessConfig({
    ...(options.serverlessYml ? { path: options.serverlessYml } : {}),
    ...(options.stage ? { stage: options.stage } : {}),
  });
  const emulator = await startSqsEmulator({ region: config.region, ...(options.port !== undefined ? { port: options.port } : {}) });
  const client = createLocalSqsClient(emulator.endpoint, config.region);
  try {
    const refs = await createQueues(client, config.queues, emulator.endpoint);
    return {
      endpoint: emulator.endpoint,
      region: config.region,
      client,
      ...refs,
      queues: config.queues,
      stop: async () => {
        client.destroy();
        await emulator.stop();
      },
    };
  } catch (error) {
    client.destroy();
    await emulator.stop();
    throw error;
  }
}
