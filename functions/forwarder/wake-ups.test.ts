/**
 * WakeUps: which changes wake which waiting step, once per change, coalesced, and only while it waits.
 */
import { traceIdFor } from '../../shared/observability/trace-context.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PLAN_ANNOTATION, evictedAnnotation, type RestartPlan } from '../../shared/steps/annotations.ts';
import { opsRequest, trueCondition } from '../../test/support/objects.ts';
import type { KubeObject } from '../../shared/adapters/kube/list-watch-source.ts';
import type { ListWatchEvent } from '../../shared/adapters/kube/list-watch.ts';
import { FakeClock } from '../../shared/time/fake-clock.ts';
import { newCounters } from './metrics.ts';
import { INSTANCE_LABEL, slimPod, slimRedis, type SlimPod } from './wake-up-policy.ts';
import { WakeUps, type WakeTarget } from './wake-ups.ts';

const plan: RestartPlan = {
  version: 1,
  restart: true,
  restartReason: 'the effective configuration changed: maxclients',
  pods: ['sample-redis-0', 'sample-redis-1'],
  expected: [{ parameter: 'maxclients', expected: '3000' }],
  previous: [{ parameter: 'maxclients', expected: '500' }],
  configHash: 'h',
};
const BASE = ['Reconfigure', 'DatabasePauseSucceeded', 'patchedSecret', 'UpdatePetSets'];

/** An ops request checking pod 0 after its eviction (the evicted incarnation was `old-0`). */
const checking = (extra: string[] = []) =>
  opsRequest({
    phase: 'Progressing',
    annotations: { [PLAN_ANNOTATION]: JSON.stringify(plan), [evictedAnnotation('sample-redis-0')]: 'old-0' },
    conditions: [...BASE, 'EvictPod--sample-redis-0', ...extra].map((t) => trueCondition(t)),
  });

const pod = (name: string, uid: string, o: { ready?: boolean; deleting?: boolean; db?: string } = {}): SlimPod =>
  slimPod({
    metadata: {
      name,
      namespace: 'demo',
      uid,
      labels: { [INSTANCE_LABEL]: o.db ?? 'sample-redis' },
      ...(o.deleting === true ? { deletionTimestamp: '2026-01-01T00:00:01Z' } : {}),
    },
    status: { conditions: [{ type: 'Ready', status: o.ready === true ? 'True' : 'False' }] },
  } as KubeObject);

function setup(cached: SlimPod[] = []) {
  const clock = new FakeClock();
  const sent: Array<{ target: WakeTarget; data: Record<string, unknown> }> = [];
  const counters = newCounters();
  const cache = new Map(cached.map((p) => [`demo/${p.metadata.name}`, p]));
  const w = new WakeUps({
    clusterId: 'c1',
    send: (target, m) => {
      const body = JSON.parse(m.body) as { data: Record<string, unknown> };
      sent.push({ target, data: body.data });
    },
    pod: (key) => cache.get(key),
    counters,
    clock,
  });
  const ev = (type: 'added' | 'modified' | 'deleted', object: KubeObject): ListWatchEvent<KubeObject> =>
    type === 'modified' ? { type, object, old: object } : { type, object };
  return { clock, sent, counters, w, ev };
}

describe('WakeUps', () => {
  it('wakes restart-pod once per change of the awaited pods: gone, recreated, Ready; never for a repeat', async () => {
    const { clock, sent, w, ev } = setup([pod('sample-redis-0', 'old-0', { ready: true })]);
    w.onOpsEvent(ev('added', checking()));
    await clock.advance(0);
    assert.equal(sent.length, 0, 'the evicted incarnation is not "back"');
    w.onPodEvent(ev('deleted', pod('sample-redis-0', 'old-0', { deleting: true })));
    await clock.advance(0);
    w.onPodEvent(ev('added', pod('sample-redis-0', 'new-0')));
    w.onPodEvent(ev('modified', pod('sample-redis-0', 'new-0'))); // a status write that changes nothing we read
    await clock.advance(0);
    w.onPodEvent(ev('modified', pod('sample-redis-0', 'new-0', { ready: true })));
    w.onPodEvent(ev('modified', pod('sample-redis-0', 'new-0', { ready: true }))); // replayed (relist)
    await clock.advance(0);
    assert.deepEqual(
      sent.map((s) => [s.target, s.data['step'], s.data['pod'], s.data['phase'], s.data['wake'], s.data['attempt']]),
      [
        ['restart-pod', 'restart-pod', 'sample-redis-0', 'check', true, 0],
        ['restart-pod', 'restart-pod', 'sample-redis-0', 'check', true, 0],
        ['restart-pod', 'restart-pod', 'sample-redis-0', 'check', true, 0],
      ],
    );
    assert.equal(sent[0]?.data['traceId'], traceIdFor('uid-rdops-reconfigure'), "the run's one trace");
  });

  it('coalesces the changes of one turn into one wake-up per ops request', async () => {
    const { clock, sent, w, ev } = setup();
    w.onOpsEvent(ev('added', checking()));
    w.onPodEvent(ev('added', pod('sample-redis-0', 'new-0')));
    w.onPodEvent(ev('modified', pod('sample-redis-0', 'new-0', { ready: true })));
    w.onPodEvent(ev('modified', pod('sample-redis-1', 'p1', { ready: true })));
    await clock.advance(0);
    assert.equal(sent.length, 1);
  });

  it('wakes at once when the awaited pod is already back as the ops request starts waiting for it', async () => {
    const { clock, sent, w, ev } = setup([pod('sample-redis-0', 'new-0', { ready: true })]);
    w.onOpsEvent(ev('added', checking()));
    await clock.advance(0);
    assert.deepEqual(
      sent.map((s) => s.data['pod']),
      ['sample-redis-0'],
    );
  });

  it('ignores pods of other databases, and forgets an ops request once it waits no more', async () => {
    const { clock, sent, w, ev } = setup();
    w.onOpsEvent(ev('added', checking()));
    w.onPodEvent(ev('added', pod('other-0', 'o', { db: 'other' })));
    await clock.advance(0);
    assert.equal(sent.length, 0);
    assert.equal(w.waitingCount, 1);
    w.onOpsEvent(ev('modified', checking(['IsPodReady--sample-redis-0', 'IsPodReady--sample-redis-1', 'RestartPods'])));
    assert.equal(w.waitingCount, 0, 'resume is due: nothing a wake-up reports');
    w.onPodEvent(ev('modified', pod('sample-redis-0', 'new-0', { ready: true })));
    await clock.advance(0);
    assert.equal(sent.length, 0);
  });

  it('wakes a waiting halt when the Redis changes or another ops request of the database finishes', async () => {
    const { clock, sent, counters, w, ev } = setup();
    const waiting = opsRequest({
      name: 'second',
      phase: 'Pending',
      conditions: [trueCondition('WaitingForOtherOpsRequest')],
    });
    const first = opsRequest({ name: 'first', phase: 'Progressing', conditions: BASE.map((t) => trueCondition(t)) });
    w.onOpsEvent(ev('added', first));
    w.onOpsEvent(ev('added', waiting));
    const redis = (phase: string) =>
      slimRedis({ metadata: { name: 'sample-redis', namespace: 'demo' }, status: { phase } } as KubeObject);
    w.onRedisEvent(ev('modified', redis('Ready')));
    await clock.advance(0);
    w.onRedisEvent(ev('modified', redis('Ready')));
    await clock.advance(0);
    w.onOpsEvent(ev('modified', { ...first, status: { phase: 'Successful', conditions: [] } } as KubeObject));
    await clock.advance(0);
    assert.deepEqual(
      sent.map((s) => [s.target, s.data['step'], (s.data['opsRequest'] as { name: string }).name, s.data['wake']]),
      [
        ['halt', 'halt', 'second', true],
        ['halt', 'halt', 'second', true],
      ],
    );
    assert.equal(counters.wakeUps, 2);
  });
});
