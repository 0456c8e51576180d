/** QueuePort over SQS: one validated CloudEvents message per send; waiting is DelaySeconds, never a sleep. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { newStepMessage, type Step, type StepDataInput } from '../../messages/step-message.ts';
import type { QueuePort } from '../../steps/ports.ts';

/** SQS caps DelaySeconds at 900. */
const MAX_DELAY_SECONDS = 900;

export class SqsQueue implements QueuePort {
  readonly #client: SQSClient;
  readonly #urls: Record<Step, string>;
  readonly #source: string;

  constructor(client: SQSClient, urls: Record<Step, string>, source: string) {
    this.#client = client;
    this.#urls = urls;
    this.#source = source;
  }

  async send(step: Step, data: StepDataInput, delaySeconds = 0): Promise<void> {
    const message = newStepMessage({ ...data, step }, this.#source);
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#urls[step],
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
