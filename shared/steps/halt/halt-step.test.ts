/**
 * halt's orchestration through in-memory ports: one waiting chain per ops request however often the forwarder
 * re-announces it. Prepare / act / assess.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import { testWorld } from '../../../test/support/fake-ports.ts';
import { stepData } from '../../../test/support/messages.ts';
import { opsRequest, redis as redisObject } from '../../../test/support/objects.ts';
import { runHalt } from './halt-step.ts';

function world(ops: RedisOpsRequest, db: Redis, safetyNetSeconds = 1) {
  const w = testWorld({ settings: { safetyNetSeconds } });
  const stored = w.kube.addOpsRequest(ops);
  w.kube.addRedis(db);
  const namespace = stored.metadata.namespace ?? '';
  const message = (attempt: number, extra: { wake?: true } = {}) => stepData('halt', stored, { attempt, ...extra });
  return {
    get sent() {
      return w.queue.sent.map((s) => ({ step: s.step, attempt: s.data.attempt, delay: s.delaySeconds }));
    },
    deps: w.deps,
    message,
    advance: (ms: number) => w.clock.advance(ms),
    ops: () => w.kube.opsRequest(namespace, stored.metadata.name),
  };
}

void describe('halt: waiting', () => {
  void it('keeps one chain however often the ops request is re-announced', async () => {
    const w = world(opsRequest({ created: '2026-01-01T00:00:00Z' }), redisObject({ phase: 'NotReady' }));
    await runHalt(w.message(0), w.deps); // the forwarder's first announcement starts the chain
    assert.deepEqual(w.sent, [{ step: 'halt', attempt: 1, delay: 1 }]);
    assert.equal(w.ops().status?.phase, 'Pending');
    w.advance(500);
    for (let i = 0; i < 3; i++) await runHalt(w.message(0), w.deps); // re-announcements
    assert.equal(w.sent.length, 1, 'a re-announcement while the chain is alive sends nothing');
    w.advance(600);
    await runHalt(w.message(1), w.deps); // the chain's own message
    assert.deepEqual(w.sent[1], { step: 'halt', attempt: 2, delay: 1 });
  });

  void it('lets a re-announcement take over a chain that was lost', async () => {
    const w = world(opsRequest({ created: '2026-01-01T00:00:00Z' }), redisObject({ phase: 'NotReady' }));
    await runHalt(w.message(0), w.deps);
    w.advance(60_000); // the attempt-1 message never came
    await runHalt(w.message(0), w.deps);
    assert.deepEqual(
      w.sent.map((s) => s.attempt),
      [1, 1],
    );
  });

  void it('looks again no sooner than the safety net; a wake-up that finds it still waiting sends nothing', async () => {
    const w = world(opsRequest({ created: '2026-01-01T00:00:00Z' }), redisObject({ phase: 'NotReady' }), 600);
    await runHalt(w.message(0), w.deps);
    assert.deepEqual(w.sent, [{ step: 'halt', attempt: 1, delay: 600 }]);
    w.advance(1000);
    await runHalt(w.message(0, { wake: true }), w.deps); // the Redis changed, but is not Ready yet
    assert.equal(w.sent.length, 1, 'the waiting chain keeps its one message');
    const woken = world(w.ops(), redisObject({ phase: 'Ready' }), 600);
    await runHalt(woken.message(0, { wake: true }), woken.deps);
    assert.deepEqual(
      woken.sent.map((m) => m.step),
      ['apply-config'],
      'the wake-up moves it on',
    );
  });
});
