/**
 * The StartMessageMoveTask path (AWS; fauxqs lacks it, so this runs against a scripted client): the DLQ's ARN is the
 * source, no destination (SQS returns each record to the queue it came from), and the task is followed with
 * ListMessageMoveTasks until it leaves RUNNING. `auto` falls back to receive/send/delete only on "unknown action".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { redrive } from './redrive.ts';

type Call = { command: string; input: Record<string, unknown> };

function scriptedSqs(answers: Record<string, Array<unknown>>): { sqs: SQSClient; calls: Call[] } {
  const calls: Call[] = [];
  const sqs = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      calls.push({ command: name, input: command.input });
      const next = answers[name]?.shift();
      if (next instanceof Error) throw next;
      if (next === undefined) throw new Error(`unexpected ${name}`);
      return next;
    },
  } as unknown as SQSClient;
  return { sqs, calls };
}

const pair = { label: 'halt', source: 'rr-prod-halt', dlq: 'rr-prod-halt-dlq' };
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:111122223333:rr-prod-halt-dlq';

describe('redrive with StartMessageMoveTask', () => {
  it('starts a task on the DLQ ARN and follows it to COMPLETED', async () => {
    const { sqs, calls } = scriptedSqs({
      GetQueueUrlCommand: [{ QueueUrl: 'https://sqs/rr-prod-halt-dlq' }],
      GetQueueAttributesCommand: [{ Attributes: { QueueArn: DLQ_ARN } }],
      StartMessageMoveTaskCommand: [{ TaskHandle: 'h-1' }],
      ListMessageMoveTasksCommand: [
        { Results: [{ Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 3 }] },
        { Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 7 }] },
      ],
    });
    const pauses: number[] = [];
    const outcome = await redrive(sqs, pair, {
      method: 'auto',
      max: 1000,
      followMs: 60_000,
      pause: async (ms) => void pauses.push(ms),
    });
    assert.deepEqual(outcome, {
      label: 'halt',
      dlq: pair.dlq,
      source: pair.source,
      method: 'move-task',
      moved: 7,
      failed: 0,
      task: { handle: 'h-1', status: 'COMPLETED' },
    });
    assert.deepEqual(calls.find((c) => c.command === 'StartMessageMoveTaskCommand')?.input, { SourceArn: DLQ_ARN });
    assert.deepEqual(pauses, [1000]);
  });

  it('auto falls back to receive/send/delete on InvalidAction; other errors are not swallowed', async () => {
    const unknown = Object.assign(new Error('Unknown action: StartMessageMoveTask'), { name: 'InvalidAction' });
    const { sqs, calls } = scriptedSqs({
      GetQueueUrlCommand: [{ QueueUrl: 'u-dlq' }, { QueueUrl: 'u-dlq' }, { QueueUrl: 'u-src' }],
      GetQueueAttributesCommand: [{ Attributes: { QueueArn: DLQ_ARN } }],
      StartMessageMoveTaskCommand: [unknown],
      ReceiveMessageCommand: [{ Messages: [] }],
    });
    const outcome = await redrive(sqs, pair, { method: 'auto', max: 10, followMs: 0, pause: async () => undefined });
    assert.equal(outcome.method, 'receive');
    assert.equal(outcome.moved, 0);
    assert.ok(calls.some((c) => c.command === 'ReceiveMessageCommand'));

    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    const again = scriptedSqs({
      GetQueueUrlCommand: [{ QueueUrl: 'u-dlq' }],
      GetQueueAttributesCommand: [{ Attributes: { QueueArn: DLQ_ARN } }],
      StartMessageMoveTaskCommand: [denied],
    });
    await assert.rejects(
      redrive(again.sqs, pair, { method: 'auto', max: 10, followMs: 0, pause: async () => undefined }),
      /not authorized/,
    );
  });
});
