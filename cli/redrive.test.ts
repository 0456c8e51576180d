/**
 * `redrive` against the local SQS (fauxqs, with exactly the queues of serverless.yml): records put in a DLQ go back to
 * its work queue, body and message attributes intact, in batches; fauxqs lacks StartMessageMoveTask, so `auto`
 * falls back to receive/send/delete and `move-task` fails loudly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { startLocalSqs, type LocalSqs } from '../infra/local/sqs/index.ts';
import type { CommandIo } from './command.ts';
import { run } from './main.ts';

// No AWS keys: a loopback --endpoint-url is the local emulator, which needs none.
const env = {};

function captureIo(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env, now: () => new Date() };
}

async function depth(sqs: SQSClient, url: string): Promise<number> {
  const a = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

describe('redrive on the local SQS', { timeout: 120_000 }, () => {
  let local: LocalSqs;
  const url = (logicalId: string): string => {
    const u = local.queueUrls[logicalId];
    if (u === undefined) throw new Error(`no ${logicalId}`);
    return u;
  };
  before(async () => {
    local = await startLocalSqs({ stage: 'local' });
  });
  after(async () => local?.stop());

  it('moves every record of the restart-pod DLQ back to its queue, body and attributes kept', async () => {
    for (const offset of [0, 10]) {
      await local.client.send(
        new SendMessageBatchCommand({
          QueueUrl: url('RestartPodDLQ'),
          Entries: Array.from({ length: offset === 0 ? 10 : 2 }, (_, i) => ({
            Id: String(i),
            MessageBody: JSON.stringify({ n: offset + i }),
            MessageAttributes: { origin: { DataType: 'String', StringValue: `dlq-${offset + i}` } },
          })),
        }),
      );
    }
    const io = captureIo();
    const code = await run(
      ['redrive', 'restart-pod', '--stage', 'local', '--region', local.region, '--endpoint-url', local.endpoint],
      io,
    );
    assert.equal(code, 0, io.stderr.join('\n'));
    assert.match(
      io.stdout.join('\n'),
      /redis-reconfigure-local-restart-pod-dlq\s+redis-reconfigure-local-restart-pod\s+receive\s+12\s+0/,
    );
    assert.equal(await depth(local.client, url('RestartPodDLQ')), 0);
    const bodies: number[] = [];
    const origins = new Set<string>();
    for (let i = 0; i < 5 && bodies.length < 12; i++) {
      const got = await local.client.send(
        new ReceiveMessageCommand({
          QueueUrl: url('RestartPodQueue'),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      );
      for (const m of got.Messages ?? []) {
        bodies.push((JSON.parse(m.Body ?? '{}') as { n: number }).n);
        origins.add(m.MessageAttributes?.['origin']?.StringValue ?? '');
      }
    }
    assert.deepEqual(
      bodies.sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => i),
    );
    assert.equal(origins.size, 12);
  });

  it('--all with empty DLQs moves nothing and says so per queue; -o json lists the outcomes', async () => {
    const io = captureIo();
    const args = ['redrive', '--all', '--stage', 'local', '--endpoint-url', local.endpoint, '--region', local.region];
    assert.equal(await run([...args, '-o', 'json'], io), 0, io.stderr.join('\n'));
    const list = JSON.parse(io.stdout.join('\n')) as { items: Array<{ label: string; moved: number }> };
    assert.deepEqual(
      list.items.map((i) => [i.label, i.moved]),
      [
        ['halt', 0],
        ['apply-config', 0],
        ['restart-pod', 0],
        ['resume', 0],
        ['recover', 0],
        ['rollout', 0],
      ],
    );
  });

  it('--method move-task against a service without StartMessageMoveTask fails with its error (exit 1)', async () => {
    const io = captureIo();
    const code = await run(
      ['redrive', 'halt', '--method', 'move-task', '--stage', 'local', '--endpoint-url', local.endpoint],
      io,
    );
    assert.equal(code, 1);
    assert.match(io.stderr.join('\n'), /StartMessageMoveTask/);
  });
});
