/**
 * halt's orchestration through in-memory ports: one waiting chain per ops request however often the forwarder
 * re-announces it. Prepare / act / assess.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { opsRequest, redis as redisObject } from '../test-objects.ts';
import { runHalt } from './halt-step.ts';

function world(ops: RedisOpsRequest, db: Redis, safetyNetSeconds = 1) {
  const sent: Array<{ step: string; attempt: number; delay: number | undefined }> = [];
  let clock = new Date('2026-01-01T00:00:00Z');
  let current = ops;
  const deps = {
    settings: { stallSeconds: 60, safetyNetSeconds },
    now: () => clock,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    events: { publish: async () => undefined },
    queue: {
      send: async (step: string, d: { attempt: number }, delay?: number) =>
        void sent.push({ step, attempt: d.attempt, delay }),
    },
    kube: {
      getOpsRequest: async () => current,
      listOpsRequests: async () => [current],
      getRedis: async () => db,
      writeRedisConditions: async () => db,
      recordEvent: async () => undefined,
      writeOpsStatus: async (o: RedisOpsRequest, status: NonNullable<RedisOpsRequest['status']>) =>
        (current = { ...o, status }),
      writeOpsAnnotations: async (o: RedisOpsRequest, a: Record<string, string>) =>
        (current = { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...a } } }),
    },
  } as unknown as StepDeps;
  const message = (attempt: number, extra: Partial<StepData> = {}) =>
    ({
      ...extra,
      version: 1,
      clusterId: 'c',
      namespace: 'demo',
      opsRequest: { name: current.metadata.name, uid: current.metadata.uid },
      step: 'halt',
      attempt,
      traceId: 't',
    }) as unknown as StepData;
  return { sent, deps, message, advance: (ms: number) => (clock = new Date(clock.getTime() + ms)), ops: () => current };
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
    let db = redisObject({ phase: 'NotReady' });
    const w = world(opsRequest({ created: '2026-01-01T00:00:00Z' }), db, 600);
    await runHalt(w.message(0), w.deps);
    assert.deepEqual(w.sent, [{ step: 'halt', attempt: 1, delay: 600 }]);
    w.advance(1000);
    await runHalt(w.message(0, { wake: true }), w.deps); // the Redis changed, but is not Ready yet
    assert.equal(w.sent.length, 1, 'the waiting chain keeps its one message');
    db = redisObject({ phase: 'Ready' });
    const woken = world(w.ops(), db, 600);
    await runHalt(woken.message(0, { wake: true }), woken.deps);
    assert.deepEqual(
      woken.sent.map((m) => m.step),
      ['apply-config'],
      'the wake-up moves it on',
    );
  });
});
