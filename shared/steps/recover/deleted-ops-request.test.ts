/** recover for an ops request that is gone: the database it paused is resumed, with an Event; nothing else. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition, Redis } from '../../kubedb/types.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { pausedBy } from '../halt/decide-halt.ts';
import { redis } from '../../../test/support/objects.ts';
import { runRecover } from './recover-step.ts';

const gone = { metadata: { namespace: 'demo', name: 'rdops-gone', uid: 'uid-gone' } };
const pausedCondition = (message: string): Condition => ({
  type: 'Paused',
  status: 'True',
  reason: 'Paused',
  message,
  lastTransitionTime: '2026-01-01T00:00:00Z',
});

function world(redises: Redis[]) {
  const writes: Array<{ name: string; conditions: Condition[] }> = [];
  const events: Array<{ on: string; reason: string; message: string }> = [];
  const deps = {
    settings: { stallSeconds: 60, safetyNetSeconds: 5 },
    now: () => new Date('2026-01-01T00:05:00Z'),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    queue: { send: async () => assert.fail('nothing is sent') },
    kube: {
      getOpsRequest: async () => undefined,
      listRedises: async () => redises,
      writeRedisConditions: async (r: Redis, conditions: Condition[]) => {
        writes.push({ name: r.metadata.name, conditions });
        return r;
      },
      recordEvent: async (o: Redis, e: { reason: string; message: string }) =>
        void events.push({ on: `${o.kind}/${o.metadata.name}`, reason: e.reason, message: e.message }),
    },
  } as unknown as StepDeps;
  return { deps, writes, events };
}

const message = {
  version: 1,
  clusterId: 'c',
  namespace: 'demo',
  opsRequest: { name: 'rdops-gone', uid: 'uid-gone' },
  step: 'recover',
  attempt: 0,
  traceId: 't',
} as StepData;

describe('recover: an ops request deleted mid-run', () => {
  it('removes the Paused condition it held, keeps the others, and says so on the Redis', async () => {
    const other = { type: 'Ready', status: 'True' as const, lastTransitionTime: '2026-01-01T00:00:00Z' };
    const held = { ...redis({ conditions: [pausedCondition(pausedBy(gone)), other] }) };
    const w = world([held]);
    await runRecover(message, w.deps);
    assert.deepEqual(w.writes, [{ name: 'sample-redis', conditions: [other] }]);
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0]?.on, 'Redis/sample-redis');
    assert.match(w.events[0]?.message ?? '', /^RedisOpsRequest demo\/rdops-gone was deleted while Progressing/);
  });

  it('leaves alone a Redis paused by another ops request (a new one of the same name included), or not paused', async () => {
    const byOther = redis({
      conditions: [pausedCondition(pausedBy({ metadata: { ...gone.metadata, uid: 'uid-new' } }))],
    });
    const w = world([byOther, redis()]);
    await runRecover(message, w.deps);
    assert.deepEqual(w.writes, []);
    assert.deepEqual(w.events, []);
  });
});
