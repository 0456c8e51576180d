/**
 * halt's orchestration through in-memory ports: one waiting chain per ops request however often the forwarder
 * re-announces it; an ACL request that can never succeed refused before the database is paused. Prepare / act /
 * assess.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planAclChange } from '../../acl/plan.ts';
import { OpsRequestFailedError } from '../../errors.ts';
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
    kube: w.kube,
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

void describe('halt: ACL rules checked before pausing', () => {
  const cases: Array<[string, { syncACL?: string[]; deleteUsers?: string[] }, string, RegExp]> = [
    [
      'a malformed rule',
      { syncACL: ['app ${k1} +get bogus'] },
      'InvalidACLRule',
      /word 4 of the ACL rule for user app/,
    ],
    ["a rule for the operator's user", { syncACL: ['admin ${k1} +@all'] }, 'ACLProtectedUser', /admin is the operator/],
    ["deleting the operator's user", { deleteUsers: ['admin'] }, 'ACLProtectedUser', /deleting ACL user admin/],
    [
      'a user both synced and deleted',
      { syncACL: ['app ${k1} +get'], deleteUsers: ['app'] },
      'ACLConflictingChange',
      /user app is both in auth.syncACL and in auth.deleteUsers/,
    ],
  ];
  for (const [what, auth, reason, message] of cases) {
    void it(`${what}: Failed (${reason}) with apply-config's own message, the Redis never paused`, async () => {
      // A custom auth secret whose username is the operator's user (not `default`), and a Redis still NotReady:
      // the request is refused at once, not after waiting for the database.
      const db = redisObject({ phase: 'NotReady', spec: { authSecret: { name: 'my-auth' } } });
      const w = world(opsRequest({ spec: { configuration: { auth: { ...auth, secretRef: { name: 's' } } } } }), db);
      w.kube.addSecret('demo', 'my-auth', { username: 'admin', password: 'pw' });
      const err = await runHalt(w.message(0), w.deps).then(
        () => assert.fail('expected a refusal'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof OpsRequestFailedError, String(err));
      assert.equal(err.reason, reason);
      assert.match(err.message, message);
      // The same words apply-config's plan would fail with (one home: shared/acl checkAclRequest).
      assert.throws(
        () =>
          planAclChange({ rules: [], file: undefined }, auth, [{ name: 's', data: { k1: 'x' } }], {
            operatorUser: 'admin',
          }),
        (e: unknown) => e instanceof OpsRequestFailedError && e.reason === reason && e.message === err.message,
      );
      assert.ok(!w.kube.writes.some((x) => x.startsWith('writeRedisConditions')), w.kube.writes.join('\n'));
      assert.deepEqual(w.sent, []);
    });
  }

  void it('a well-formed ACL request pauses as before', async () => {
    const w = world(opsRequest({ spec: { configuration: { auth: { syncACL: ['app ${k1} +get'] } } } }), redisObject());
    await runHalt(w.message(0), w.deps);
    assert.deepEqual(w.sent, [{ step: 'apply-config', attempt: 0, delay: undefined }]);
  });
});
