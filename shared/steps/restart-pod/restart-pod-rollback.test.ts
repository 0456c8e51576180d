/**
 * restart-pod's check past spec.timeout: the pod gets the previous configuration back instead of the run ending with
 * the new one in place. In-memory ports; Prepare / act / assess.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Redis } from '../../kubedb/types.ts';
import { InMemoryKube } from '../../../test/support/in-memory-kube.ts';
import { ManualClock, RecordingQueue, scriptedRedis, testWorld } from '../../../test/support/fake-ports.ts';
import { stepData } from '../../../test/support/messages.ts';
import type { PodView, StepDeps } from '../ports.ts';
import { evictedAnnotation, PLAN_ANNOTATION, ROLLBACK_ANNOTATION, type RestartPlan } from '../annotations.ts';
import { opsRequest, redis as redisObject, restartPlan, trueCondition } from '../../../test/support/objects.ts';
import { rollbackSecretName } from '../rollback-snapshot.ts';
import { runRestartPod } from './restart-pod-step.ts';

const plan: RestartPlan = restartPlan(['sample-redis-0'], { from: '500', to: '3000' });

/** The in-memory cluster, with the writes rollback makes written down in the order they happen. */
class LoggingKube extends InMemoryKube {
  readonly log: string[] = [];
  override async putSecret(...args: Parameters<InMemoryKube['putSecret']>): Promise<void> {
    this.log.push(`putSecret ${args[1]} ${JSON.stringify(args[2])}`);
    return super.putSecret(...args);
  }
  override async writeRedisConfiguration(...args: Parameters<InMemoryKube['writeRedisConfiguration']>) {
    this.log.push(`configuration ${JSON.stringify(args[1])}`);
    return super.writeRedisConfiguration(...args);
  }
  override async evictPod(namespace: string, name: string): Promise<void> {
    this.log.push(`evict ${name}`);
    return super.evictPod(namespace, name);
  }
}

function world(pod: PodView, opts: { timeout?: string; reported?: Record<string, string>; acl?: boolean } = {}) {
  const evictedAt = '2026-01-01T00:00:00Z';
  const kube = new LoggingKube();
  const stored = kube.addOpsRequest(
    opsRequest({
      phase: 'Progressing',
      spec: { timeout: opts.timeout ?? '1m' },
      annotations: { [PLAN_ANNOTATION]: JSON.stringify(plan), [evictedAnnotation('sample-redis-0')]: 'old-uid' },
      conditions: [
        'Reconfigure',
        'DatabasePauseSucceeded',
        'patchedSecret',
        'UpdatePetSets',
        'EvictPod--sample-redis-0',
        ...(opts.acl === true ? ['UpdateAclSecret', 'AclAppliedLive'] : []),
      ].map((t) => trueCondition(t, evictedAt)),
    }),
  );
  const db: Redis = kube.addRedis(redisObject());
  const ns = db.metadata.namespace ?? '';
  kube.addPod(ns, db.metadata.name, pod);
  kube.addSecret(ns, 'sample-redis-auth', { username: 'default', password: 'p' });
  kube.addSecret(ns, rollbackSecretName(stored), {
    'default.conf': 'maxclients 500\n',
    'configuration.json': '{"secretName":"rd-custom-config"}',
  });
  const queue = new (class extends RecordingQueue {
    override async send(...args: Parameters<RecordingQueue['send']>): Promise<void> {
      kube.log.push(`send ${args[0]} ${args[1].phase ?? ''}`);
      return super.send(...args);
    }
  })();
  // 5 minutes after the eviction, spec.timeout is 1m
  const w = testWorld({
    kube,
    clock: new ManualClock('2026-01-01T00:05:00Z'),
    redis: scriptedRedis({ configGet: async () => opts.reported ?? {} }),
  });
  const deps: StepDeps = { ...w.deps, queue };
  const data = stepData('restart-pod', stored, { pod: 'sample-redis-0', phase: 'check', attempt: 7 });
  return { log: kube.log, kube, deps, data, ops: () => kube.opsRequest(ns, stored.metadata.name) };
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
    assert.doesNotMatch(rolledBack?.message ?? '', /ACL/);
  });

  void it("keeps the same request's ACL change, and says so (ADR 0012)", async () => {
    const w = world(
      { name: 'sample-redis-0', uid: 'new-uid', deleting: false, ready: false, restartCount: 0 },
      { acl: true },
    );
    await runRestartPod(w.data, w.deps);
    const rolledBack = w.ops().status?.conditions?.find((c) => c.type === 'RolledBack');
    assert.match(
      rolledBack?.message ?? '',
      /the previous configuration was restored; the request's ACL change is kept \(applied and checked live on every pod before the restarts, and persisted: UpdateAclSecret\)$/,
    );
    // Only the configuration is put back: no ACL secret, no ACL field (and no ACL command: the scripted Redis port
    // answers CONFIG GET only, anything else would throw).
    assert.ok(!w.kube.writes.some((x) => x.startsWith('writeRedisAcl') || /-acl-/.test(x)), w.kube.writes.join('\n'));
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
