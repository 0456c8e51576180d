/**
 * Redis status the way KubeDB's provisioner reports it: conditions whose reason equals their type when True
 * (kmodules NewCondition style), and a phase derived from them (pkg/phase PhaseFromCondition, simplified):
 * Provisioning until the database was Ready once, then Ready / Critical (some pods not Ready, a Cluster/Sentinel
 * topology degraded but serving, or a problem blocks applying the spec) / NotReady (no pod Ready, or the topology
 * does not serve). Only the provisioner's own condition types are written;
 * every other condition (Paused, written by the ops-manager) is carried over untouched.
 */
import { DbCondition, DbPhase } from '../../../../shared/kubedb/constants.ts';
import type { Condition } from '../../../../shared/kubedb/types.ts';
import type { TopologyHealth } from '../coordinator/topology-health.ts';
import { toRfc3339 } from '../runtime/stable-json.ts';

const OWN_CONDITIONS: readonly string[] = [
  DbCondition.ProvisioningStarted,
  DbCondition.Provisioned,
  DbCondition.ReplicaReady,
  DbCondition.AcceptingConnection,
  DbCondition.Ready,
];

export interface Problem {
  reason: string;
  message: string;
}

export interface Observed {
  generation: number;
  expectedPods: number;
  readyPods: number;
  problem: Problem | undefined;
  /** Cluster / Sentinel: the topology as observed on the wire. Ready needs it healthy; degraded means Critical. */
  topology?: TopologyHealth | undefined;
}

const timeString = (t: unknown): string => (t instanceof Date ? toRfc3339(t) : String(t));

function cond(
  existing: Condition[],
  type: string,
  ok: boolean,
  generation: number,
  now: string,
  message: string,
  problem?: Problem,
): Condition {
  const status = ok ? 'True' : 'False';
  const previous = existing.find((c) => c.type === type);
  const lastTransitionTime = previous?.status === status ? timeString(previous.lastTransitionTime) : now;
  const reason = problem?.reason ?? type;
  message = problem?.message ?? message;
  return { type, status, reason, message, observedGeneration: generation, lastTransitionTime };
}

export function desiredStatus(
  existing: Condition[],
  o: Observed,
  now: string,
): { phase: string; conditions: Condition[] } {
  const podsReady = o.expectedPods > 0 && o.readyPods >= o.expectedPods;
  const allReady = podsReady && (!o.topology || o.topology.state === 'healthy');
  const wasProvisioned = existing.some((c) => c.type === DbCondition.Provisioned && c.status === 'True');
  const provisioned = !o.problem && (wasProvisioned || allReady);
  const pods = `${o.readyPods} of ${o.expectedPods} pods are Ready${o.topology ? `; ${o.topology.message}` : ''}`;
  const accepting = o.readyPods > 0 && o.topology?.state !== 'down';
  const ours = [
    cond(
      existing,
      DbCondition.ProvisioningStarted,
      true,
      o.generation,
      now,
      'The KubeDB operator has started the provisioning of Redis',
    ),
    cond(
      existing,
      DbCondition.Provisioned,
      provisioned,
      o.generation,
      now,
      provisioned ? 'The Redis is successfully provisioned' : 'Waiting for every pod to become Ready once',
      o.problem,
    ),
    cond(existing, DbCondition.ReplicaReady, allReady, o.generation, now, pods),
    cond(
      existing,
      DbCondition.AcceptingConnection,
      accepting,
      o.generation,
      now,
      accepting
        ? 'The Redis accepts authenticated connections'
        : o.readyPods > 0
          ? 'The topology does not serve'
          : 'No pod answers an authenticated PING',
    ),
    cond(existing, DbCondition.Ready, allReady, o.generation, now, allReady ? 'The Redis is ready' : pods),
  ];
  const others = existing.filter((c) => !OWN_CONDITIONS.includes(c.type));
  return { phase: phaseOf(o, allReady, accepting, wasProvisioned || provisioned), conditions: [...others, ...ours] };
}

function phaseOf(o: Observed, allReady: boolean, accepting: boolean, provisionedOnce: boolean): string {
  if (o.problem) return allReady ? DbPhase.Critical : DbPhase.NotReady;
  if (allReady) return DbPhase.Ready;
  if (!provisionedOnce) return DbPhase.Provisioning;
  return accepting ? DbPhase.Critical : DbPhase.NotReady;
}
