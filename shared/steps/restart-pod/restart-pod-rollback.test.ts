/**
 * restart-pod's check past spec.timeout: the pod gets the previous configuration back instead of the run ending with
 * the new one in place. In-memory ports; Prepare / act / assess.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { PodView, StepDeps } from '../ports.ts';
import { evictedAnnotation, PLAN_ANNOTATION, ROLLBACK_ANNOTATION, type RestartPlan } from '../annotations.ts';
import { opsRequest, redis as redisObject, trueCondition } from '../test-objects.ts';
import { rollbackSecretName } from '../rollback-snapshot.ts';
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

function world(pod: PodView, opts: { timeout?: string; reported?: Record<string, string> } = {}) {
  const log: string[] = [];
  const evictedAt = '2026-01-01T00:00:00Z';
  let ops: RedisOpsRequest = opsRequest({
    phase: 'Progressing',
    spec: { timeout: opts.timeout ?? '1m' },
    annotations: { [PLAN_ANNOTATION]: JSON.stringify(plan), [evictedAnnotation('sample-redis-0')]: 'old-uid' },
    conditions: [
      'Reconfigure',
      'DatabasePauseSucceeded',
      'patchedSecret',
      'UpdatePetSets',
      'EvictPod--sample-redis-0',
    ].map((t) => trueCondition(t, evictedAt)),
  });
  const db: Redis = redisObject();
  const deps = {
    settings: { stallSeconds: 60, safetyNetSeconds: 5 },
    now: () => new Date('2026-01-01T00:05:00Z'), // 5 minutes after the eviction, spec.timeout is 1m
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    events: { publish: async () => undefined },
    redis: { configGet: async () => opts.reported ?? {} },
    queue: { send: async (step: string, d: { phase?: string }) => void log.push(`send ${step} ${d.phase ?? ''}`) },
    kube: {
      getOpsRequest: async () => ops,
      getRedis: async () => db,
      getPod: async () => pod,
      getSecret: async (_ns: string, name: string) =>
        name === 'sample-redis-auth'
          ? { name, data: { username: 'default', password: 'p' }, annotations: {} }
          : name === rollbackSecretName(ops)
            ? {
                name,
                data: { 'default.conf': 'maxclients 500\n', 'configuration.json': '{"secretName":"rd-custom-config"}' },
                annotations: {},
              }
            : undefined,
      putSecret: async (_ns: string, name: string, data: Record<string, string>) =>
        void log.push(`putSecret ${name} ${JSON.stringify(data)}`),
      writeRedisConfiguration: async (_r: Redis, c: object) => void log.push(`configuration ${JSON.stringify(c)}`),
      writeOpsAnnotations: async (o: RedisOpsRequest, a: Record<string, string>) =>
        (ops = { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...a } } }),
      writeOpsStatus: async (o: RedisOpsRequest, status: NonNullable<RedisOpsRequest['status']>) =>
        (ops = { ...o, status }),
      evictPod: async (_ns: string, name: string) => void log.push(`evict ${name}`),
    },
  } as unknown as StepDeps;
  const data = {
    version: 1,
    clusterId: 'c',
    namespace: 'demo',
    opsRequest: { name: 'rdops-reconfigure', uid: 'uid-rdops-reconfigure' },
    step: 'restart-pod',
    pod: 'sample-redis-0',
    phase: 'check',
    attempt: 7,
    traceId: 't',
  } as unknown as StepData;
  return { log, deps, data, ops: () => ops };
}

void describe('restart-pod: a pod not healthy with the new config within spec.timeout', () => {
  void it('is rolled back to the previous configuration (not left Failed on the new one)', async () => {
    const w = world({ name: 'sample-redis-0', uid: 'new-uid', deleting: false, ready: false, restartCount: 0 });
    await runRestartPod(w.data, w.deps);
    assert.ok(
      w.log.some((l) => l.startsWith('putSecret') && l.includes('maxclients 500')),
      w.log.join('\n'),
    );
    assert.ok(w.log.includes('configuration {"secretName":"rd-custom-config"}'));
    assert.ok(w.log.includes('evict sample-redis-0'));
    assert.ok(w.log.includes('send restart-pod check'));
    const rolledBack = w.ops().status?.conditions?.find((c) => c.type === 'RolledBack');
    assert.match(
      rolledBack?.message ?? '',
      /could not run with the new configuration: it did not come back Ready within 1m: pod not Ready; the previous configuration was restored/,
    );
    assert.equal(w.ops().metadata.annotations?.[ROLLBACK_ANNOTATION], rolledBack?.message);
  });
});

void describe('restart-pod: a recreated pod Ready with other values than the new config', () => {
  const reported = { maxclients: '2968' }; // what redis-server makes of maxclients 3000 with an open-file limit of 3000
  const readyPod = (readySince: string): PodView => ({
    name: 'sample-redis-0',
    uid: 'new-uid',
    deleting: false,
    ready: true,
    podIP: '127.10.0.2',
    restartCount: 0,
    readySince,
  });
  void it('is rolled back once it has been Ready for a few seconds, long before spec.timeout, saying why', async () => {
    const w = world(readyPod('2026-01-01T00:04:50Z'), { timeout: '1h', reported });
    await runRestartPod(w.data, w.deps);
    assert.ok(w.log.includes('evict sample-redis-0'), w.log.join('\n'));
    const rolledBack = w.ops().status?.conditions?.find((c) => c.type === 'RolledBack');
    assert.match(
      rolledBack?.message ?? '',
      /it is Ready but runs another configuration: maxclients: expected "3000", got "2968" \(redis-server lowers maxclients to its open-file limit minus 32/,
    );
  });
  void it('is checked again while it has only just turned Ready', async () => {
    const w = world(readyPod('2026-01-01T00:04:59Z'), { timeout: '1h', reported });
    await runRestartPod(w.data, w.deps);
    assert.deepEqual(w.log, ['send restart-pod check']);
    assert.equal(
      w.ops().status?.conditions?.find((c) => c.type === 'RolledBack'),
      undefined,
    );
  });
});
