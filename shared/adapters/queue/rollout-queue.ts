/** RolloutQueuePort over SQS: the rollout's own next look, a delayed message on its queue (never a sleep). */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { TraceExtensions } from '../../messages/cloudevent.ts';
import { newRolloutMessage, type RolloutData } from '../../messages/rollout-message.ts';
import type { RolloutQueuePort } from '../../steps/rollout/ports.ts';

/** SQS caps DelaySeconds at 900. */
const MAX_DELAY_SECONDS = 900;

export class SqsRolloutQueue implements RolloutQueuePort {
  readonly #client: SQSClient;
  readonly #url: string;
  readonly #source: string;

  constructor(client: SQSClient, url: string, source: string) {
    this.#client = client;
    this.#url = url;
    this.#source = source;
  }

  async sendLook(data: RolloutData, delaySeconds: number, trace: TraceExtensions = {}): Promise<void> {
    const message = newRolloutMessage(data, this.#source, new Date(), trace);
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#url,
        MessageBody: JSON.stringify(message),
        DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(delaySeconds))),
        MessageAttributes: {
          subject: { DataType: 'String', StringValue: message.subject },
          type: { DataType: 'String', StringValue: message.type },
        },
      }),
    );
  }
}
