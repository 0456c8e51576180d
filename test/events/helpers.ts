/** Transition events to publish, and a FIFO-aware reader of the subscribed queue. */
import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import {
  newTransitionEvent,
  type TransitionData,
  type TransitionEvent,
} from '../../shared/messages/transition-event.ts';

export interface TransitionOverrides {
  uid?: string;
  name?: string;
  type?: string;
  status?: 'True' | 'False' | 'Unknown';
  message?: string;
  sequence?: number;
  phase?: string;
}

export function transition(o: TransitionOverrides = {}): TransitionEvent {
  const data: TransitionData = {
    version: 1,
    clusterId: 'eu-prod-1',
    namespace: 'demo',
    opsRequest: { name: o.name ?? 'rdops-reconfigure', uid: o.uid ?? '3f1c2a9e-0000-4000-8000-000000000001' },
    database: 'sample-redis',
    step: 'halt',
    phase: o.phase ?? 'Progressing',
    condition: {
      type: o.type ?? 'DatabasePauseSucceeded',
      status: o.status ?? 'True',
      reason: o.type ?? 'DatabasePauseSucceeded',
      message: o.message ?? 'Successfully paused database',
    },
    sequence: o.sequence ?? 1,
    traceId: 'trace-1',
  };
  return newTransitionEvent(data, 'urn:redis-reconfigure:function:halt');
}

/**
 * Receives until `count` messages arrived (each deleted once read: a FIFO queue hands out a group's next message
 * only after the previous one is gone), or fails after a bounded deadline.
 */
export async function receive(
  client: SQSClient,
  queueUrl: string,
  count: number,
  timeoutMs = 10_000,
): Promise<Message[]> {
  const got: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < count) {
    if (Date.now() > deadline) throw new Error(`received ${got.length} of ${count} messages within ${timeoutMs} ms`);
    const answer = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const message of answer.Messages ?? []) {
      got.push(message);
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return got;
}

export const bodyOf = (message: Message): unknown => JSON.parse(message.Body ?? 'null');
