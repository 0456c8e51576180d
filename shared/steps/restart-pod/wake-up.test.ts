/**
 * restart-pod and the forwarder's wake-ups (docs/adr/0013-wake-ups.md): a pod that is not back yet is looked at again
 * by the safety net only; a wake-up that finds it still not back sends nothing (the waiting chain has its message on
 * the queue); a wake-up that finds it Ready moves the run on; a duplicated wake-up after that is a no-op.
 * In-memory ports; Prepare / act / assess.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { PodView, StepDeps } from '../ports.ts';
import { evictedAnnotation, PLAN_ANNOTATION, type RestartPlan } from '../annotations.ts';
import { opsRequest, redis as redisObject, trueCondition } from '../../../test/support/objects.ts';
import { runRestartPod } from './restart-pod-step.ts';

const plan: RestartPlan = {
  version: 1,
  restart: true,
  restartReason: 'the effective configuration changed: maxclients',
  pods: ['sample-redis-0'],
  expected: [{ parameter: 'maxclients', expected: '3000' }],
  previous: [{ parameter: 'maxclients', expected: '500' }],
  configHash: 'h',
};

function world() {
  const sent: Array<{ step: string; phase: string | undefined; attempt: number; wake: unknown; delay?: number }> = [];
  const evictions: string[] = [];
  let pod: PodView = { name: 'sample-redis-0', uid: 'old-uid', deleting: true, ready: false, restartCount: 0 };
  let ops: RedisOpsRequest = opsRequest({
    phase: 'Progressing',
    annotations: { [PLAN_ANNOTATION]: JSON.stringify(plan), [evictedAnnotation('sample-redis-0')]: 'old-uid' },
    conditions: [
      'Reconfigure',
      'DatabasePauseSucceeded',
      'patchedSecret',
      'UpdatePetSets',
      'EvictPod--sample-redis-0',
    ].map((t) => trueCondition(t, '2026-01-01T00:00:00Z')),
  });
  const db: Redis = redisObject();
  const deps = {
    settings: { stallSeconds: 60, safetyNetSeconds: 900 },
    now: () => new Date('2026-01-01T00:00:05Z'),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    events: { publish: async () => undefined },
    redis: { configGet: async () => ({ maxclients: '3000' }) },
    queue: {
      send: async (step: string, d: { phase?: string; attempt?: number; wake?: unknown }, delay?: number) =>
        void sent.push({ step, phase: d.phase, attempt: d.attempt ?? 0, wake: d.wake, delay }),
    },
    kube: {
      getOpsRequest: async () => ops,
      getRedis: async () => db,
      getPod: async () => pod,
      getSecret: async (_ns: string, name: string) =>
        name === 'sample-redis-auth'
          ? { name, data: { username: 'default', password: 'p' }, annotations: {} }
          : undefined,
      writeOpsAnnotations: async (o: RedisOpsRequest, a: Record<string, string>) =>
        (ops = { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...a } } }),
      writeOpsStatus: async (o: RedisOpsRequest, status: NonNullable<RedisOpsRequest['status']>) =>
        (ops = { ...o, status }),
      evictPod: async (_ns: string, name: string) => void evictions.push(name),
      recordEvent: async () => undefined,
    },
  } as unknown as StepDeps;
  const message = (attempt: number, wake?: true): StepData => ({
    version: 1,
    clusterId: 'c',
    namespace: 'demo',
    opsRequest: { name: 'rdops-reconfigure', uid: 'uid-rdops-reconfigure' },
    step: 'restart-pod',
    pod: 'sample-redis-0',
    phase: 'check',
    attempt,
    traceId: 't',
    ...(wake === true ? { wake } : {}),
  });
  const setPod = (p: Partial<PodView>) => (pod = { ...pod, ...p });
  return { sent, evictions, deps, message, setPod };
}

void describe('restart-pod: wake-ups', () => {
  void it('a pod not back: the chain looks again after the safety net; a wake-up sends nothing', async () => {
    const w = world();
    await runRestartPod(w.message(3), w.deps);
    assert.deepEqual(w.sent, [{ step: 'restart-pod', phase: 'check', attempt: 4, wake: undefined, delay: 900 }]);
    w.setPod({ uid: 'new-uid', deleting: false, ready: false });
    await runRestartPod(w.message(0, true), w.deps);
    assert.equal(w.sent.length, 1, 'the woken check found the new pod not Ready: no second chain');
  });

  void it('a wake-up that finds the new pod Ready moves the run on; a duplicate of it is a no-op', async () => {
    const w = world();
    w.setPod({ uid: 'new-uid', deleting: false, ready: true, podIP: '127.0.0.1', readySince: '2026-01-01T00:00:04Z' });
    await runRestartPod(w.message(0, true), w.deps);
    assert.deepEqual(
      w.sent.map((m) => [m.step, m.wake]),
      [['resume', undefined]],
    );
    await runRestartPod(w.message(0, true), w.deps);
    await runRestartPod(w.message(4), w.deps); // the waiting chain's delayed message, later
    assert.equal(w.sent.length, 1, 'nothing more is sent');
    assert.deepEqual(w.evictions, [], 'and nothing is evicted again');
  });
});
