/**
 * Moving through the waves: a wave starts when the one before it has finished and soaked; within it, ops requests
 * start as the limits allow. A wave is finished when each of its databases succeeded or failed; its soak then runs
 * for `strategy.soak`, during which every database changed so far must stay Ready (else it fails, SoakUnhealthy,
 * and counts against the budget).
 */
import { failTarget, findDatabase, findOps, type ClusterIndex } from './observe-target.ts';
import { forwardOps } from './ops-requests.ts';
import { admit, limitsOf } from './schedule.ts';
import type { FleetRolloutSpec } from './spec.ts';
import type { OpsRequestToCreate, RolloutTarget, WaveRecord } from './types.ts';

export const currentWaveIndex = (waves: WaveRecord[]): number | undefined =>
  waves.find((w) => w.passedAt === undefined)?.index;

const terminal = (t: RolloutTarget): boolean => t.state === 'Succeeded' || t.state === 'Failed';

/** Databases changed so far that are no longer Ready (or gone) fail with SoakUnhealthy. */
export function soakCheck(targets: RolloutTarget[], clusters: ClusterIndex): RolloutTarget[] {
  return targets.map((t) => {
    if (t.state !== 'Succeeded') return t;
    const cluster = clusters.get(t.cluster);
    if (cluster?.reachable !== true) return t; // not seen is not unhealthy: the next look checks again
    const db = findDatabase(cluster, t);
    if (db?.ready === true) return t;
    const why = db === undefined ? 'was deleted' : 'is not Ready';
    return failTarget(t, 'SoakUnhealthy', `${t.cluster}/${t.namespace}/${t.name} ${why} during the soak`);
  });
}

/** The wave's databases that cannot start: their cluster is unreachable or the database is gone. */
export function failUnstartable(targets: RolloutTarget[], wave: number, clusters: ClusterIndex): RolloutTarget[] {
  return targets.map((t) => {
    if (t.wave !== wave || t.state !== 'Pending') return t;
    const cluster = clusters.get(t.cluster);
    if (cluster === undefined)
      return failTarget(t, 'ClusterUnregistered', `cluster ${t.cluster} is no longer in the cluster registry`);
    if (!cluster.reachable)
      return failTarget(t, 'ClusterUnreachable', `cluster ${t.cluster} could not be read: ${cluster.error}`);
    if (findDatabase(cluster, t) === undefined)
      return failTarget(t, 'DatabaseNotFound', `Redis ${t.namespace}/${t.name} not found in cluster ${t.cluster}`);
    return t;
  });
}

interface WaveStep {
  targets: RolloutTarget[];
  create: OpsRequestToCreate[];
}

/**
 * Start what may start in `wave`: each admitted database records its configuration as seen right now (what a
 * rollback puts back) and turns Progressing; ops requests decided before but missing in their cluster are created
 * again (same name).
 */
export function startWave(spec: FleetRolloutSpec, input: RolloutTarget[], wave: number, clusters: ClusterIndex) {
  const targets = [...input];
  const create: OpsRequestToCreate[] = [];
  for (const t of targets) {
    if (t.state !== 'Progressing' || clusters.get(t.cluster)?.reachable !== true) continue;
    if (findOps(clusters.get(t.cluster), t.namespace, t.opsRequest) === undefined) create.push(forwardOps(spec, t));
  }
  const waiting = targets.flatMap((t, i) => (t.wave === wave && t.state === 'Pending' ? [i] : []));
  for (const i of admit(targets, waiting, limitsOf(spec))) {
    const t = targets[i];
    if (t === undefined) continue;
    const db = findDatabase(clusters.get(t.cluster), t);
    const started: RolloutTarget = { ...t, state: 'Progressing', ...(db ? { previous: db.configuration } : {}) };
    targets[i] = started;
    create.push(forwardOps(spec, started));
  }
  return { targets, create } satisfies WaveStep;
}

export const waveFinished = (targets: RolloutTarget[], wave: number): boolean =>
  targets.filter((t) => t.wave === wave).every(terminal);
