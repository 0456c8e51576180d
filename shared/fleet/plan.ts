/**
 * Target selection and wave planning, done once when a rollout starts and frozen in its status (a database created
 * later does not join a running rollout; one deleted fails with DatabaseNotFound at its turn).
 *
 * Order: databases are interleaved across clusters (first of each cluster, then second of each…), clusters and
 * databases sorted by id and namespace/name. The canary is the first `canary.count` of that order, so a canary of
 * n spans min(n, clusters) clusters; the waves are consecutive `waveSize` slices of the rest.
 */
import { matchesLabelSelector } from './label-selector.ts';
import { fleetOpsRequestName } from './names.ts';
import type { FleetRolloutSpec } from './spec.ts';
import type { ObservedCluster, ObservedDatabase, RolloutRef, RolloutTarget } from './types.ts';

/** An unreachable cluster at planning time stands in the plan as one failed entry (its databases are unknown). */
const UNREACHABLE_PLACEHOLDER = '*';

export function selectedClusters(spec: FleetRolloutSpec, clusters: ObservedCluster[]): ObservedCluster[] {
  return clusters
    .filter((c) => matchesLabelSelector(spec.clusterSelector, c.labels))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function databaseSelected(spec: FleetRolloutSpec, db: ObservedDatabase): boolean {
  const sel = spec.databaseSelector;
  if (sel.namespaces !== undefined && !sel.namespaces.includes(db.namespace)) return false;
  if (sel.modes !== undefined && !sel.modes.includes(db.mode)) return false;
  if (sel.versions !== undefined && !sel.versions.includes(db.version)) return false;
  return matchesLabelSelector(sel.labelSelector, db.labels);
}

export function planTargets(spec: FleetRolloutSpec, ref: RolloutRef, clusters: ObservedCluster[]): RolloutTarget[] {
  const perCluster = selectedClusters(spec, clusters).map((c) => candidatesOf(spec, ref, c));
  const ordered: Array<Omit<RolloutTarget, 'wave' | 'canary'>> = [];
  const longest = Math.max(0, ...perCluster.map((l) => l.length));
  for (let i = 0; i < longest; i++) {
    for (const list of perCluster) {
      const t = list[i];
      if (t !== undefined) ordered.push(t);
    }
  }
  const canaryCount = Math.min(spec.strategy.canary.count, ordered.length);
  const firstWave = canaryCount > 0 ? 1 : 0;
  const rest = ordered.length - canaryCount;
  const waveSize = spec.strategy.waveSize ?? Math.max(rest, 1);
  return ordered.map((t, i) => {
    const canary = i < canaryCount;
    const wave = canary ? 0 : firstWave + Math.floor((i - canaryCount) / waveSize);
    return { ...t, wave, canary };
  });
}

function candidatesOf(
  spec: FleetRolloutSpec,
  ref: RolloutRef,
  cluster: ObservedCluster,
): Array<Omit<RolloutTarget, 'wave' | 'canary'>> {
  if (!cluster.reachable) {
    return [
      {
        cluster: cluster.id,
        namespace: UNREACHABLE_PLACEHOLDER,
        name: UNREACHABLE_PLACEHOLDER,
        opsRequest: '',
        state: 'Failed',
        reason: 'ClusterUnreachable',
        message: `cluster ${cluster.id} could not be read when the rollout started: ${cluster.error}`,
      },
    ];
  }
  return cluster.databases
    .filter((db) => databaseSelected(spec, db))
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))
    .map((db) => ({
      cluster: cluster.id,
      namespace: db.namespace,
      name: db.name,
      opsRequest: fleetOpsRequestName({
        rolloutUid: ref.uid,
        rollout: ref.name,
        cluster: cluster.id,
        namespace: db.namespace,
        database: db.name,
        purpose: 'apply',
      }),
      state: 'Pending',
      previous: db.configuration,
    }));
}

export const waveCount = (targets: RolloutTarget[]): number => Math.max(0, ...targets.map((t) => t.wave + 1));
