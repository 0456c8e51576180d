/**
 * `npm start -- --fleet`: three local clusters (c1 the hub), KubeDB's sample Redis in each (maxclients 500), and one
 * FleetRollout to maxclients 3000 — a canary of 1 that must succeed and soak, then a wave of the other 2 — printing the
 * rollout's phase and wave as they change and `CONFIG GET maxclients` from every pod at the end. Exits 0 when
 * Completed. State in .local/start-fleet, wiped each run.
 */
import { join } from 'node:path';
import { startLocalFleet } from '../infra/local/fleet-stack.ts';
import { applyFile, applyObjects } from '../infra/local/manifests.ts';
import { configGetOnPod } from '../infra/local/redis-query.ts';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';
import { waitFor } from '../infra/local/wait.ts';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { FLEET_API_VERSION, FLEET_GROUP, FLEET_PLURAL, FLEET_VERSION } from '../shared/fleet/spec.ts';
import type { FleetRolloutStatus } from '../shared/fleet/types.ts';

const EXAMPLES = join(PROJECT_ROOT, 'examples/reconfigure');
const rolloutSpec = {
  databaseSelector: { namespaces: ['demo'] },
  configuration: { applyConfig: { 'redis.conf': 'maxclients 3000' } },
  strategy: { canary: { count: 1 }, soak: '10s', maxPerCluster: 1 },
};

export async function runFleetDemo(): Promise<number> {
  const fleet = await startLocalFleet({
    stateDir: join(PROJECT_ROOT, '.local', 'start-fleet'),
    clusters: 3,
    fresh: true,
  });
  try {
    for (const c of fleet.clusters) {
      for (const f of ['00-namespace.yaml', '01-rd-custom-config.yaml', '02-sample-redis.yaml'])
        await applyFile(c.kubeConfig, join(EXAMPLES, f));
    }
    console.log('KubeDB sample Redis (maxclients 500) created in c1, c2, c3; waiting for them to be Ready…');
    for (const c of fleet.clusters) {
      await waitFor(
        `${c.id} sample-redis Ready`,
        async () => ((await redisPhase(c.kubeConfig)) === 'Ready' ? true : undefined),
        {
          timeoutMs: 120_000,
        },
      );
    }
    await applyObjects(fleet.hub.kubeConfig, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fleet' } },
      {
        apiVersion: FLEET_API_VERSION,
        kind: 'FleetRollout',
        metadata: { name: 'raise', namespace: 'fleet' },
        spec: rolloutSpec,
      },
    ] as never);
    console.log('FleetRollout fleet/raise applied on the hub (c1): canary 1 (soak 10s), then a wave of 2');
    const end = await follow(fleet.hub.kubeConfig);
    for (const c of fleet.clusters) {
      const value = await configGetOnPod(c.kubeConfig, 'demo', 'sample-redis-0', 'sample-redis', 'maxclients');
      console.log(`  ${c.id}/demo/sample-redis  CONFIG GET maxclients → ${value ?? '?'}`);
    }
    return end.phase === 'Completed' ? 0 : 1;
  } finally {
    await fleet.stop();
  }
}

async function redisPhase(kc: KubeConfig): Promise<string | undefined> {
  const rd = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: 'kubedb.com',
    version: 'v1',
    plural: 'redises',
    namespace: 'demo',
    name: 'sample-redis',
  })) as { status?: { phase?: string } };
  return rd.status?.phase;
}

/** Prints each new (phase, wave, counts) line until the rollout finishes. */
async function follow(hub: KubeConfig): Promise<FleetRolloutStatus> {
  let last = '';
  return waitFor(
    'FleetRollout fleet/raise finished',
    async () => {
      const r = (await hub.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
        group: FLEET_GROUP,
        version: FLEET_VERSION,
        plural: FLEET_PLURAL,
        namespace: 'fleet',
        name: 'raise',
      })) as { status?: FleetRolloutStatus };
      const s = r.status;
      if (s?.phase === undefined) return undefined;
      const line = `  ${s.phase.padEnd(11)} wave ${s.wave}  succeeded ${s.counts.succeeded}  failed ${s.counts.failed}  ${s.message}`;
      if (line !== last) console.log(line);
      last = line;
      return ['Completed', 'Halted', 'Aborted', 'RolledBack'].includes(s.phase) ? s : undefined;
    },
    { timeoutMs: 300_000, intervalMs: 500 },
  );
}
