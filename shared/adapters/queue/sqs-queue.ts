/** QueuePort over SQS: one validated CloudEvents message per send; waiting is DelaySeconds, never a sleep. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { TraceExtensions } from '../../messages/cloudevent.ts';
import { newStepMessage, type Step, type StepDataInput } from '../../messages/step-message.ts';
import type { QueuePort } from '../../steps/ports.ts';

/** SQS caps DelaySeconds at 900. */
const MAX_DELAY_SECONDS = 900;

/**
 * The message attribute that tells the receiver how long SQS held the message back on purpose, so that its hop
 * latency (shared/handler/record-observability.ts) measures queue lag, not the wait it asked for.
 */
export const DELAY_ATTRIBUTE = 'delaySeconds';

export class SqsQueue implements QueuePort {
  readonly #client: SQSClient;
  readonly #urls: Record<Step, string>;
  readonly #source: string;

  constructor(client: SQSClient, urls: Record<Step, string>, source: string) {
    this.#client = client;
    this.#urls = urls;
    this.#source = source;
  }

  async send(step: Step, data: StepDataInput, delaySeconds = 0, trace: TraceExtensions = {}): Promise<void> {
    const message = newStepMessage({ ...data, step }, this.#source, new Date(), trace);
    const delay = Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(delaySeconds)));
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#urls[step],
        MessageBody: JSON.stringify(message),
        DelaySeconds: delay,
        MessageAttributes: {
          subject: { DataType: 'String', StringValue: message.subject },
          type: { DataType: 'String', StringValue: message.type },
          [DELAY_ATTRIBUTE]: { DataType: 'Number', StringValue: String(delay) },
        },
      }),
    );
  }
}
