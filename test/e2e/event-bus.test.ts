/**
 * Teams plug the step events into their event bus: a queue subscribed to the events topic (SNS FIFO, via fauxqs)
 * receives the whole ordered story of a reconfigure as CloudEvents, with no secret or config value in them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { transitionEventSchema, type TransitionEvent } from '../../shared/messages/transition-event.ts';
import { createDatabase, reconfigure, runOpsRequest, startTestStack, waitDatabaseReady } from './harness.ts';
import { waitFor } from '../../infra/local/wait.ts';

describe('event bus', { timeout: 300_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => stack?.cleanup());

  it('a subscriber receives every transition of a run, in order, ending with the outcome', async () => {
    const sqs = stack.sqs!;
    const queueUrl = await sqs.subscribeQueue('EventsTopic', 'story-subscriber');
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'events', 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'events', 'rd');
    // A value no id, timestamp or resourceVersion of the events can contain by chance (ISO times have at most 4 digits
    // in a row; ids are hex or uuids), so its absence proves the configuration did not leak.
    const ops = await runOpsRequest(
      kc,
      reconfigure('events', 'told', 'rd', {
        applyConfig: { 'redis.conf': 'hash-max-listpack-entries 9876543' },
        restart: 'true',
      }),
    );
    assert.equal(ops.status?.phase, 'Successful');

    const received: TransitionEvent[] = [];
    await waitFor(
      'the outcome event',
      async () => {
        const r = await sqs.client.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const m of r.Messages ?? []) {
          received.push(transitionEventSchema.parse(JSON.parse(m.Body ?? '')));
          // FIFO: the next message of a group is delivered only once this one is deleted.
          await sqs.client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
        return received.some((e) => e.data.condition.type === 'Successful') ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const story = received.filter((e) => e.data.opsRequest.name === 'told').map((e) => e.data.condition.type);
    assert.deepEqual(story, [
      'Reconfigure',
      'DatabasePauseSucceeded',
      'patchedSecret',
      'UpdatePetSets',
      'EvictPod--rd-0',
      'IsPodReady--rd-0',
      'RestartPods',
      'Successful',
    ]);
    const outcome = received.at(-1)!;
    assert.equal(outcome.type, 'io.redis-reconfigure.opsrequest.outcome.v1');
    assert.equal(outcome.subject, 'local/events/told');
    const text = JSON.stringify(received);
    // Values never travel on the bus (ADR 0006); directive names do since the plan line (UpdatePetSets, ADR 0011).
    assert.ok(!text.includes('9876543'), 'no configuration value leaks into events');
  });
});
