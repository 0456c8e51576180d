/**
 * A poison message sent to a real step queue on the local stack: the function fails it on every receive (it is never
 * deleted), logs why each time, and after maxReceiveCount receives SQS moves it to that queue's DLQ, body unchanged.
 * Two kinds: a body that is not a valid step message, and a valid message naming a cluster this deployment does not
 * know. Both are the "poison" class of shared/errors.ts.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { newStepMessage } from '../../shared/messages/step-message.ts';
import { waitFor } from '../../infra/local/wait.ts';
import { startTestStack } from './harness.ts';

interface LogEntry {
  msg?: string;
  level?: string;
  messageId?: string;
  errorName?: string;
  error?: string;
}

describe('poison messages end in the DLQ of their queue, with the reason logged', { timeout: 300_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => stack?.cleanup());

  const sqs = () => {
    if (stack.sqs === undefined) throw new Error('the test stack runs without SQS');
    return stack.sqs;
  };
  const queueUrl = (logicalId: string): string => {
    const url = sqs().queueUrls[logicalId];
    if (url === undefined) throw new Error(`serverless.yml declares no ${logicalId}`);
    return url;
  };

  /** The halt function's log entries for one SQS message id (JSON lines, `[halt] ` prefixed by the runner). */
  async function haltLogFor(messageId: string): Promise<LogEntry[]> {
    const text = await readFile(join(stack.stateDir, 'logs', 'halt.log'), 'utf8').catch(() => '');
    return text
      .split('\n')
      .map((line) => line.replace(/^\[halt\] /, ''))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogEntry)
      .filter((entry) => entry.messageId === messageId);
  }

  it('a malformed message and one for an unknown cluster reach halt-dlq after maxReceiveCount receives, each logged with its reason', async () => {
    const halt = sqs().queues.find((q) => q.logicalId === 'HaltQueue');
    assert.equal(halt?.redrive?.deadLetterLogicalId, 'HaltDLQ');
    const maxReceiveCount = halt.redrive.maxReceiveCount;

    const malformed = JSON.stringify({ specversion: '1.0', type: 'io.redis-reconfigure.step.halt.v1' });
    const unknownCluster = JSON.stringify(
      newStepMessage(
        {
          version: 1,
          clusterId: 'nope',
          namespace: 'demo',
          opsRequest: { name: 'rdops', uid: 'uid-1' },
          step: 'halt',
          traceId: 't-1',
        },
        'test/dead-letter',
      ),
    );
    const sent = new Map<string, { body: string; errorName: string; reason: RegExp }>();
    for (const [body, errorName, reason] of [
      [malformed, 'InvalidMessageError', /data: Invalid input: expected object/],
      [unknownCluster, 'UnknownClusterError', /"nope"/],
    ] as const) {
      const out = await sqs().client.send(
        new SendMessageCommand({ QueueUrl: queueUrl('HaltQueue'), MessageBody: body }),
      );
      assert.ok(out.MessageId);
      sent.set(out.MessageId, { body, errorName, reason });
    }

    // Receiving hides a DLQ message for its visibility timeout: collect every one seen, by body.
    const inDlq = new Set<string>();
    await waitFor(
      'both poison messages in halt-dlq',
      async () => {
        const got = await sqs().client.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl('HaltDLQ'), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const m of got.Messages ?? []) inDlq.add(m.Body ?? '');
        return inDlq.size >= sent.size ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    assert.deepEqual([...inDlq].sort(), [...sent.values()].map((s) => s.body).sort());

    for (const [messageId, expected] of sent) {
      const entries = await waitFor(
        `${maxReceiveCount} log entries for ${messageId}`,
        async () => {
          const found = await haltLogFor(messageId);
          return found.length >= maxReceiveCount ? found : undefined;
        },
        { timeoutMs: 10_000 },
      );
      assert.equal(entries.length, maxReceiveCount, 'one failed attempt logged per receive, then no more');
      for (const entry of entries) {
        assert.equal(entry.level, 'error');
        assert.equal(entry.msg, 'unusable message; it will reach the DLQ');
        assert.equal(entry.errorName, expected.errorName);
        assert.match(entry.error ?? '', expected.reason);
      }
    }
  });
});
