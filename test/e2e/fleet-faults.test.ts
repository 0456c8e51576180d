/**
 * Fleet rollouts under faults, end to end on 2 local clusters (c1 the hub; databases c1/rd-a, c2/rd-a, c2/rd-b, real
 * redis-server pods). Every SQS send of the suite — forwarder announcements, the rollout's delayed looks, the
 * pipeline's step messages — goes through a proxy that delivers it twice at once and a third time 3 s later.
 * - Killed mid-invocation: c2's API server holds RedisOpsRequest creates (a slow admission webhook, say) longer than
 *   the rollout function's timeout; the runner ends the execution environment at the timeout, as Lambda does, after
 *   the status recorded the decision and before c2's creates; the records come back after the visibility timeout.
 * - Every message twice and late: the same end state, one ops request per database, one event per transition.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import type { InvocationEndEvent, InvocationStartEvent } from '../../infra/local/lambda-runner/index.ts';
import { applyObjects } from '../../infra/local/manifests.ts';
import { configGetOnPod } from '../../infra/local/redis-query.ts';
import { waitFor } from '../../infra/local/wait.ts';
import { startDuplicatingSqsProxy, type DuplicatingProxy } from './duplicating-sqs-proxy.ts';
import {
  createRollout,
  drainRolloutEvents,
  fleetOps,
  getRollout,
  queueDepth,
  startTestFleet,
  waitRollout,
  SETTLED,
} from './fleet-harness.ts';
import { configSecret, waitDatabaseReady } from './harness.ts';

const NS = 'faults';
const DATABASES: Array<[cluster: number, name: string]> = [
  [0, 'rd-a'],
  [1, 'rd-a'],
  [1, 'rd-b'],
];

async function database(kc: KubeConfig, name: string): Promise<void> {
  await applyObjects(kc, [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
    configSecret('demo', `${name}-user-config`, 'maxclients 500\n'),
    {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name, namespace: 'demo' },
      spec: { version: '8.2.2', configuration: { secretName: `${name}-user-config` } },
    },
  ] as never);
}

const transitionOf = (e: { data: { transition: string; wave?: number | undefined } }) => [
  e.data.transition,
  e.data.wave,
];

describe('fleet rollouts under faults', { timeout: 600_000 }, () => {
  let killedEvents: Array<ReturnType<typeof transitionOf>> = [];
  let fleet: Awaited<ReturnType<typeof startTestFleet>> | undefined;
  let proxy: DuplicatingProxy | undefined;
  const f = () => fleet!;
  const maxclientsOf = (cluster: number, name: string) =>
    configGetOnPod(f().clusters[cluster]!.kubeConfig, 'demo', `${name}-0`, name, 'maxclients');

  before(async () => {
    fleet = await startTestFleet({
      clusters: 2,
      sqsEndpointFor: async (endpoint) =>
        (proxy = await startDuplicatingSqsProxy(endpoint, { replayLateMs: 3000 })).endpoint,
    });
    // One after the other: two creates of the same namespace would race (409).
    for (const [c, name] of DATABASES) await database(f().clusters[c]!.kubeConfig, name);
    await Promise.all(DATABASES.map(([c, name]) => waitDatabaseReady(f().clusters[c]!.kubeConfig, 'demo', name)));
  });
  after(async () => {
    await fleet?.cleanup();
    await proxy?.stop();
  });

  it('killed at its timeout between the status write and the creates: it resumes, one ops request each', async () => {
    const timeouts: InvocationEndEvent[] = [];
    const received: InvocationStartEvent[] = [];
    const onEnd = (e: InvocationEndEvent) => {
      if (e.functionName === 'rollout' && e.outcome === 'timeout') timeouts.push(e);
    };
    const onStart = (e: InvocationStartEvent) => {
      if (e.functionName === 'rollout') received.push(e);
    };
    f().runner.on('invocation-end', onEnd).on('invocation-start', onStart);
    const subscriber = await f().sqs.subscribeQueue('EventsTopic', 'rollout-killed');
    // Longer than the rollout's 10 s timeout (serverless.yml, stage local), so the environment dies first; the
    // held creates are then aborted (their client is gone) and never stored.
    const c2 = f().clusters[1]!.api.faults;
    c2.set('create', { latencyMs: 30_000, resources: ['redisopsrequests'] });
    try {
      const r = await createRollout(f().hub.kubeConfig, NS, 'killed', {
        databaseSelector: { namespaces: ['demo'] },
        configuration: { applyConfig: { 'redis.conf': 'maxclients 3100' } },
      });
      await waitFor('a rollout invocation ended by its timeout', async () => (timeouts.length > 0 ? true : undefined), {
        timeoutMs: 60_000,
      });
      // The decision was on record before the environment died; c2's creates were not made.
      const recorded = (await getRollout(f().hub.kubeConfig, NS, 'killed')).status;
      const c2Recorded = recorded?.clusters.find((c) => c.id === 'c2');
      assert.equal(c2Recorded?.progressing, 2, `c2's ops requests decided: ${JSON.stringify(recorded?.clusters)}`);
      const during = [...(await fleetOps(f(), r.metadata.uid)).keys()];
      assert.deepEqual(
        during.filter((k) => k.startsWith('c2/')),
        [],
        'no c2 ops request while its creates hang',
      );
      c2.reset();
      // As with Lambda, the killed batch's records were not deleted: they come back after the visibility timeout.
      const killed = new Set(timeouts[0]!.failedMessageIds);
      await waitFor(
        'a record of the killed batch delivered again',
        async () => {
          const again = received.filter((e) => e.requestId !== timeouts[0]!.requestId);
          return again.some((e) => e.messageIds.some((id) => killed.has(id))) ? true : undefined;
        },
        { timeoutMs: 60_000 },
      );
      const end = await waitRollout(f().hub.kubeConfig, NS, 'killed', (s) => SETTLED.includes(s.phase), 'finished');
      assert.equal(end.phase, 'Completed', end.message);
      assert.deepEqual(end.counts, { total: 3, pending: 0, progressing: 0, succeeded: 3, failed: 0, rolledBack: 0 });
      const ops = await fleetOps(f(), r.metadata.uid);
      assert.deepEqual(
        [...ops.keys()].map((k) => k.split('/')[0]).sort(),
        ['c1', 'c2', 'c2'],
        `one ops request per database: ${[...ops.keys()].join(', ')}`,
      );
      assert.ok([...ops.values()].every((o) => o.status?.phase === 'Successful'));
      for (const [c, name] of DATABASES) assert.equal(await maxclientsOf(c, name), '3100', `c${c + 1}/${name}`);
      assert.equal(await queueDepth(f(), 'RolloutDLQ'), 0, 'no rollout message given up on');
      killedEvents = (await drainRolloutEvents(f(), subscriber, r.metadata.uid, 5_000)).map(transitionOf);
      // What the invocations after the kill decided, each once.
      assert.deepEqual(killedEvents.slice(-2), [
        ['WaveCompleted', 0],
        ['Completed', undefined],
      ]);
    } finally {
      c2.reset();
      f().runner.off('invocation-end', onEnd).off('invocation-start', onStart);
    }
  });

  it('the transitions the killed invocation decided are published by the one that resumes', () => {
    assert.deepEqual(killedEvents, [
      ['Started', undefined],
      ['WaveCompleted', 0],
      ['Completed', undefined],
    ]);
  });

  it('every message twice and replayed late: same end state, one ops request each, one event per transition', async () => {
    const subscriber = await f().sqs.subscribeQueue('EventsTopic', 'rollout-twice');
    const duplicatedBefore = proxy!.duplicated();
    // How often each of this rollout's messages (CloudEvent id) reached the rollout function, by reason.
    const deliveries = new Map<string, { reason: string; count: number }>();
    const onStart = (e: InvocationStartEvent) => {
      if (e.functionName !== 'rollout') return;
      for (const body of e.bodies) {
        const m = JSON.parse(body) as { id: string; data: { name: string; reason: string } };
        if (m.data.name !== 'twice') continue;
        const seen = deliveries.get(m.id) ?? { reason: m.data.reason, count: 0 };
        deliveries.set(m.id, { ...seen, count: seen.count + 1 });
      }
    };
    f().runner.on('invocation-start', onStart);
    const r = await createRollout(f().hub.kubeConfig, NS, 'twice', {
      databaseSelector: { namespaces: ['demo'] },
      configuration: { applyConfig: { 'redis.conf': 'maxclients 3200' } },
      strategy: { canary: { count: 1 }, waveSize: 2 },
    });
    const end = await waitRollout(f().hub.kubeConfig, NS, 'twice', (s) => SETTLED.includes(s.phase), 'finished');
    assert.equal(end.phase, 'Completed', end.message);
    assert.deepEqual(end.counts, { total: 3, pending: 0, progressing: 0, succeeded: 3, failed: 0, rolledBack: 0 });
    const ops = await fleetOps(f(), r.metadata.uid);
    assert.equal(ops.size, 3, `one ops request per database: ${[...ops.keys()].join(', ')}`);
    assert.ok([...ops.values()].every((o) => o.status?.phase === 'Successful'));
    for (const [c, name] of DATABASES) assert.equal(await maxclientsOf(c, name), '3200', `c${c + 1}/${name}`);
    assert.ok(proxy!.duplicated() - duplicatedBefore >= 4, 'messages were really duplicated');
    assert.ok(proxy!.replayedLate().sent > 0, `late replays: ${JSON.stringify(proxy!.replayedLate())}`);
    // The late copies of the last looks are still to come: the end state holds when they have been processed.
    const events = await drainRolloutEvents(f(), subscriber, r.metadata.uid, 8_000);
    assert.deepEqual(events.map(transitionOf), [
      ['Started', undefined],
      ['WaveCompleted', 0],
      ['WaveCompleted', 1],
      ['Completed', undefined],
    ]);
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
    f().runner.off('invocation-start', onStart);
    for (const reason of ['announce', 'look']) {
      const twice = [...deliveries.values()].filter((d) => d.reason === reason && d.count >= 2);
      assert.ok(twice.length > 0, `a ${reason} delivered more than once: ${JSON.stringify([...deliveries.values()])}`);
    }
    const still = await getRollout(f().hub.kubeConfig, NS, 'twice');
    assert.equal(still.status?.phase, 'Completed');
    assert.equal((await fleetOps(f(), r.metadata.uid)).size, 3);
    assert.equal(await queueDepth(f(), 'RolloutDLQ'), 0, 'no rollout message given up on');
  });
});
