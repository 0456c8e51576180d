/**
 * Which waiting ops requests may start now under the strategy's limits: `maxConcurrency` in flight across the fleet,
 * `maxPerCluster` in one cluster. In-flight counts forward changes and rollbacks alike (both load the same pods and
 * API servers). Candidates are taken in plan order, so the choice is deterministic.
 */
import type { FleetRolloutSpec } from './spec.ts';
import type { RolloutTarget } from './types.ts';

interface Limits {
  maxConcurrency: number | undefined;
  maxPerCluster: number | undefined;
}

export const limitsOf = (spec: FleetRolloutSpec): Limits => ({
  maxConcurrency: spec.strategy.maxConcurrency,
  maxPerCluster: spec.strategy.maxPerCluster,
});

const inFlight = (t: RolloutTarget): boolean => t.state === 'Progressing' || t.rollback?.state === 'Progressing';

/** Indexes (into `targets`) of the candidates that may start, in order, within the limits. */
export function admit(targets: RolloutTarget[], candidates: number[], limits: Limits): number[] {
  let total = 0;
  const perCluster = new Map<string, number>();
  for (const t of targets) {
    if (!inFlight(t)) continue;
    total++;
    perCluster.set(t.cluster, (perCluster.get(t.cluster) ?? 0) + 1);
  }
  const admitted: number[] = [];
  for (const i of candidates) {
    const t = targets[i];
    if (t === undefined) continue;
    if (limits.maxConcurrency !== undefined && total >= limits.maxConcurrency) break;
    const here = perCluster.get(t.cluster) ?? 0;
    if (limits.maxPerCluster !== undefined && here >= limits.maxPerCluster) continue;
    admitted.push(i);
    total++;
    perCluster.set(t.cluster, here + 1);
  }
  return admitted;
}
