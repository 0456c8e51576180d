/**
 * The rollout is moved by its ops requests' own outcome events (the events topic's subscription of the rollout
 * queue), not by a look interval: with the safety-net look at 120 s and the hub forwarder's resync at 300 s, a rollout
 * with a canary and a wave over 3 local clusters still completes well within one look interval.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyObjects } from '../../infra/local/manifests.ts';
import { configSecret, waitDatabaseReady } from './harness.ts';
import { createRollout, fleetOps, startTestFleet, waitRollout } from './fleet-harness.ts';

const LOOK_SECONDS = 120;
const dbs: Array<[cluster: number, name: string]> = [
  [0, 'rd-a'],
  [1, 'rd-a'],
  [2, 'rd-a'],
  [0, 'rd-b'],
];

describe('a fleet rollout woken by its step events', { timeout: 600_000 }, () => {
  let fleet: Awaited<ReturnType<typeof startTestFleet>>;

  before(async () => {
    fleet = await startTestFleet({ rolloutLookSeconds: LOOK_SECONDS, resyncSeconds: 300 });
    for (const [c, name] of dbs)
      await applyObjects(fleet.clusters[c]!.kubeConfig, [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
        configSecret('demo', `${name}-user-config`, 'maxclients 500\n'),
        {
          apiVersion: 'kubedb.com/v1',
          kind: 'Redis',
          metadata: { name, namespace: 'demo', labels: { engine: 'redis' } },
          spec: { version: '8.2.2', configuration: { secretName: `${name}-user-config` } },
        },
      ] as never);
    await Promise.all(dbs.map(([c, name]) => waitDatabaseReady(fleet.clusters[c]!.kubeConfig, 'demo', name)));
  });
  after(async () => fleet?.cleanup());

  it(`completes a canary and a wave well within one ${LOOK_SECONDS} s look: each end wakes the rollout`, async () => {
    const r = await createRollout(fleet.hub.kubeConfig, 'fleet', 'by-events', {
      databaseSelector: { namespaces: ['demo'] },
      configuration: { applyConfig: { 'redis.conf': 'maxclients 2500' } },
      strategy: { canary: { count: 1 } },
    });
    // The announcement on create starts the canary; nothing but the canary's outcome event can start the wave
    // before the first look (120 s) or the first re-announcement (300 s).
    const end = await waitRollout(
      fleet.hub.kubeConfig,
      'fleet',
      'by-events',
      (s) => ['Completed', 'Halted'].includes(s.phase),
      'finished',
      (LOOK_SECONDS - 20) * 1000,
    );
    assert.equal(end.phase, 'Completed', end.message);
    assert.equal(end.wave, '2/2');
    assert.equal(end.counts.succeeded, dbs.length);
    const ops = await fleetOps(fleet, r.metadata.uid);
    assert.equal(ops.size, dbs.length, 'one ops request per database');
    assert.ok([...ops.values()].every((o) => o.status?.phase === 'Successful'));
  });
});
