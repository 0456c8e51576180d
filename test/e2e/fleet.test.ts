/**
 * Fleet rollouts end to end on 3 local clusters (each its own API server, controllers, kubelet running real
 * redis-server pods, and forwarder; one SQS, one runner; c1 is the hub). Databases: demo/rd-a and demo/rd-b
 * (Redis, label engine=redis) in c1 and c2; demo/a-vk (Valkey, engine=valkey: a redis.conf change is refused for
 * it, the one database that fails on purpose) and demo/rd-a in c3. The tests run in order on the same fleet.
 */
import assert from 'node:assert/strict';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { applyObjects } from '../../infra/local/manifests.ts';
import { configGetOnPod } from '../../infra/local/redis-query.ts';
import { configSecret, waitDatabaseReady } from './harness.ts';
import {
  createRollout,
  fleetOps,
  getRollout,
  patchRolloutSpec,
  sendAnnouncement,
  startTestFleet,
  waitRollout,
  SETTLED,
} from './fleet-harness.ts';

const NS = 'fleet';
const conf = (line: string) => ({ applyConfig: { 'redis.conf': line } });

async function database(kc: KubeConfig, name: string, engine: 'redis' | 'valkey'): Promise<void> {
  const key = engine === 'valkey' ? 'valkey.conf' : 'redis.conf';
  await applyObjects(kc, [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
    configSecret('demo', `${name}-user-config`, 'maxclients 500\n', key),
    {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name, namespace: 'demo', labels: { engine } },
      spec: {
        version: engine === 'valkey' ? 'valkey-8.1.1' : '8.2.2',
        configuration: { secretName: `${name}-user-config` },
      },
    },
  ] as never);
}

describe('fleet rollouts over 3 clusters', { timeout: 600_000 }, () => {
  let fleet: Awaited<ReturnType<typeof startTestFleet>>;
  const dbs: Array<[cluster: number, name: string, engine: 'redis' | 'valkey']> = [
    [0, 'rd-a', 'redis'],
    [0, 'rd-b', 'redis'],
    [1, 'rd-a', 'redis'],
    [1, 'rd-b', 'redis'],
    [2, 'a-vk', 'valkey'],
    [2, 'rd-a', 'redis'],
  ];
  const maxclientsOf = async (cluster: number, name: string) =>
    configGetOnPod(fleet.clusters[cluster]!.kubeConfig, 'demo', `${name}-0`, name, 'maxclients');
  const redisOnes = () => dbs.filter(([, , e]) => e === 'redis');

  before(async () => {
    fleet = await startTestFleet();
    // One after the other: two creates of the same namespace would race (409).
    for (const [c, name, engine] of dbs) await database(fleet.clusters[c]!.kubeConfig, name, engine);
    await Promise.all(dbs.map(([c, name]) => waitDatabaseReady(fleet.clusters[c]!.kubeConfig, 'demo', name)));
  });
  after(async () => fleet?.cleanup());

  it('completes across 3 clusters: canary, then waves within the limits; duplicates change nothing', async () => {
    const r = await createRollout(fleet.hub.kubeConfig, NS, 'raise', {
      databaseSelector: { namespaces: ['demo'], labelSelector: { matchLabels: { engine: 'redis' } } },
      configuration: conf('maxclients 3000'),
      strategy: { canary: { count: 1 }, waveSize: 2, maxPerCluster: 1 },
    });
    await waitRollout(fleet.hub.kubeConfig, NS, 'raise', (s) => s.counts.progressing > 0, 'running');
    for (let i = 0; i < 5; i++) await sendAnnouncement(fleet, NS, 'raise', r.metadata.uid);
    const end = await waitRollout(fleet.hub.kubeConfig, NS, 'raise', (s) => SETTLED.includes(s.phase), 'finished');
    assert.equal(end.phase, 'Completed', end.message);
    assert.deepEqual(end.counts, { total: 5, pending: 0, progressing: 0, succeeded: 5, failed: 0, rolledBack: 0 });
    assert.equal(end.wave, '3/3');
    assert.deepEqual(
      end.clusters.map((c) => [c.id, c.succeeded]),
      [
        ['c1', 2],
        ['c2', 2],
        ['c3', 1],
      ],
    );
    const ops = await fleetOps(fleet, r.metadata.uid);
    assert.equal(ops.size, 5, `one ops request per database, whatever the duplicates: ${[...ops.keys()].join(', ')}`);
    assert.ok([...ops.values()].every((o) => o.status?.phase === 'Successful'));
    for (const [c, name] of redisOnes()) assert.equal(await maxclientsOf(c, name), '3000', `c${c + 1}/${name}`);
    assert.equal(await maxclientsOf(2, 'a-vk'), '500', 'not selected');
    // Replayed after the end: nothing moves.
    await sendAnnouncement(fleet, NS, 'raise', r.metadata.uid);
    await waitRollout(fleet.hub.kubeConfig, NS, 'raise', (s) => s.phase === 'Completed', 'still completed');
    assert.equal((await fleetOps(fleet, r.metadata.uid)).size, 5);
  });

  it('a canary with a value the engine refuses halts the rollout: no further ops request', async () => {
    const r = await createRollout(fleet.hub.kubeConfig, NS, 'bad-policy', {
      databaseSelector: { labelSelector: { matchLabels: { engine: 'redis' } } },
      configuration: conf('maxmemory-policy sometimes-lru'),
      strategy: { canary: { count: 1 } },
    });
    const end = await waitRollout(fleet.hub.kubeConfig, NS, 'bad-policy', (s) => s.phase === 'Halted', 'halted');
    assert.match(end.haltReason ?? '', /^canary c1\/demo\/rd-a failed/);
    assert.equal(end.failed.length, 1);
    assert.equal((await fleetOps(fleet, r.metadata.uid)).size, 1, 'only the canary');
    assert.equal(end.counts.pending, 4);
  });

  it('the failure budget halts mid-wave: what is in flight finishes, nothing new starts', async () => {
    // Order: c1/rd-a, c2/rd-a, c3/a-vk (refused: a redis.conf key for a Valkey), c1/rd-b, c2/rd-b, c3/rd-a.
    const r = await createRollout(fleet.hub.kubeConfig, NS, 'budget', {
      databaseSelector: { namespaces: ['demo'] },
      configuration: conf('maxclients 4000'),
      strategy: { maxConcurrency: 1, failureBudget: { maxFailures: 0 } },
    });
    const end = await waitRollout(fleet.hub.kubeConfig, NS, 'budget', (s) => s.phase === 'Halted', 'halted');
    assert.match(end.haltReason ?? '', /failure budget spent: 1 failed, 0 allowed/);
    assert.deepEqual(
      end.failed.map((f) => [f.cluster, f.name]),
      [['c3', 'a-vk']],
    );
    assert.deepEqual([end.counts.succeeded, end.counts.pending], [2, 3]);
    assert.equal((await fleetOps(fleet, r.metadata.uid)).size, 3);
    assert.equal(await maxclientsOf(0, 'rd-b'), '3000', 'never reached');
  });

  it('onFailure: rollback puts the changed databases back through ordinary ops requests', async () => {
    const r = await createRollout(fleet.hub.kubeConfig, NS, 'rollback', {
      databaseSelector: { namespaces: ['demo'] },
      configuration: conf('maxclients 4500'),
      strategy: { maxConcurrency: 1, onFailure: 'rollback' },
    });
    const end = await waitRollout(fleet.hub.kubeConfig, NS, 'rollback', (s) => s.phase === 'RolledBack', 'rolled back');
    assert.equal(end.counts.rolledBack, 2);
    const ops = await fleetOps(fleet, r.metadata.uid);
    assert.equal(ops.size, 5, '2 changes, the refused one, 2 rollbacks');
    const rollbacks = [...ops.values()].filter(
      (o) => o.metadata.labels?.['fleet.redis-reconfigure.io/purpose'] === 'rollback',
    );
    assert.equal(rollbacks.length, 2);
    assert.ok(rollbacks.every((o) => o.spec.configuration?.removeCustomConfig === true));
    // c1/rd-a and c2/rd-a had maxclients 4000 (inline, from the budget rollout) before this one.
    assert.equal(await maxclientsOf(0, 'rd-a'), '4000');
    assert.equal(await maxclientsOf(1, 'rd-a'), '4000');
  });

  it('pause stops new ops requests, resume goes on, abort stops for good', async () => {
    const spec = {
      databaseSelector: { labelSelector: { matchLabels: { engine: 'redis' } } },
      configuration: conf('maxclients 3500'),
      strategy: { maxConcurrency: 1 },
    };
    const r = await createRollout(fleet.hub.kubeConfig, NS, 'pausing', { ...spec, paused: true });
    await waitRollout(fleet.hub.kubeConfig, NS, 'pausing', (s) => s.phase === 'Paused', 'paused');
    assert.equal((await fleetOps(fleet, r.metadata.uid)).size, 0);
    await patchRolloutSpec(fleet.hub.kubeConfig, NS, 'pausing', { ...spec, paused: false });
    await waitRollout(fleet.hub.kubeConfig, NS, 'pausing', (s) => s.counts.succeeded >= 1, 'one done');
    await patchRolloutSpec(fleet.hub.kubeConfig, NS, 'pausing', { ...spec, paused: false, abort: true });
    const end = await waitRollout(
      fleet.hub.kubeConfig,
      NS,
      'pausing',
      (s) => s.phase === 'Aborted' && s.counts.progressing === 0,
      'aborted, nothing in flight',
    );
    assert.ok(end.counts.pending >= 1, `stopped before the end: ${JSON.stringify(end.counts)}`);
    assert.equal((await fleetOps(fleet, r.metadata.uid)).size, end.counts.succeeded + end.counts.failed);
    const events = (await getRollout(fleet.hub.kubeConfig, NS, 'pausing')).status?.conditions.map((c) => c.type);
    assert.ok(events?.includes('Paused') && events.includes('Aborted'), JSON.stringify(events));
  });

  it('an unreachable cluster counts as a failure, not a crash', async () => {
    const bogus = join(fleet.clustersDir, 'c9.kubeconfig');
    const kubeconfig = fleet.hub.kubeConfig
      .exportConfig()
      .replace(/https:\/\/127\.0\.0\.1:\d+/g, 'https://127.0.0.1:1');
    await writeFile(bogus, kubeconfig);
    try {
      await createRollout(fleet.hub.kubeConfig, NS, 'with-c9', {
        databaseSelector: { labelSelector: { matchLabels: { engine: 'redis' } } },
        configuration: conf('maxclients 5000'),
        strategy: { failureBudget: { maxFailures: 1 } },
      });
      const end = await waitRollout(fleet.hub.kubeConfig, NS, 'with-c9', (s) => SETTLED.includes(s.phase), 'finished');
      assert.equal(end.phase, 'Completed', end.message);
      assert.deepEqual(
        end.failed.map((f) => [f.cluster, f.reason]),
        [['c9', 'ClusterUnreachable']],
      );
      assert.equal(end.clusters.find((c) => c.id === 'c9')?.reachable, false);
      assert.equal(end.counts.succeeded, 5);
    } finally {
      await rm(bogus, { force: true });
    }
  });

  it('the rollout function stopped mid-wave (runner restarted): it resumes from the status, one ops request each', async () => {
    const r = await createRollout(fleet.hub.kubeConfig, NS, 'restarted', {
      databaseSelector: { labelSelector: { matchLabels: { engine: 'redis' } } },
      configuration: conf('maxclients 5500'),
      strategy: { maxConcurrency: 2 },
    });
    await waitRollout(fleet.hub.kubeConfig, NS, 'restarted', (s) => s.counts.succeeded >= 1, 'one done');
    await fleet.restartRunner();
    const end = await waitRollout(fleet.hub.kubeConfig, NS, 'restarted', (s) => SETTLED.includes(s.phase), 'finished');
    assert.equal(end.phase, 'Completed', end.message);
    assert.equal((await fleetOps(fleet, r.metadata.uid)).size, 5);
    for (const [c, name] of redisOnes()) assert.equal(await maxclientsOf(c, name), '5500', `c${c + 1}/${name}`);
  });

  it('the soak catches a database that turns unhealthy: the rollout halts before the next wave', async () => {
    const rdA = fleet.clusters[0]!.kubeConfig;
    const setVersion = (version: string) =>
      applyObjects(rdA, [
        {
          apiVersion: 'kubedb.com/v1',
          kind: 'Redis',
          metadata: { name: 'rd-a', namespace: 'demo' },
          spec: { version },
        },
      ] as never);
    const r = await createRollout(fleet.hub.kubeConfig, NS, 'soaked', {
      databaseSelector: { labelSelector: { matchLabels: { engine: 'redis' } } },
      configuration: conf('maxclients 6000'),
      strategy: { canary: { count: 1 }, soak: '5m' },
    });
    await waitRollout(fleet.hub.kubeConfig, NS, 'soaked', (s) => s.phase === 'Soaking', 'soaking the canary');
    // A spec the provisioner cannot serve (no such RedisVersion) turns the Redis NotReady/Critical: not healthy.
    await setVersion('no-such-version');
    try {
      const end = await waitRollout(fleet.hub.kubeConfig, NS, 'soaked', (s) => s.phase === 'Halted', 'halted');
      assert.deepEqual(
        end.failed.map((f) => [f.cluster, f.name, f.reason]),
        [['c1', 'rd-a', 'SoakUnhealthy']],
      );
      assert.equal((await fleetOps(fleet, r.metadata.uid)).size, 1, 'no wave after the failed soak');
    } finally {
      await setVersion('8.2.2');
    }
  });
});
