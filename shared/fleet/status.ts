/**
 * The rollout's status, derived from its targets: counts per phase and per cluster, the failed databases with
 * their reasons, one condition per phase (True for the phase it is in; lastTransitionTime moves only on a flip),
 * and the transition events a change of phase or a passed wave means.
 */
import type { Condition } from '../kubedb/types.ts';
import type {
  ClusterCounts,
  FailedDatabase,
  ObservedCluster,
  PhaseCounts,
  RolloutPhase,
  RolloutRef,
  RolloutTarget,
  RolloutTransition,
  WaveRecord,
} from './types.ts';

/** Cap of the failed list in the status (the targets keep every reason; this is the summary users read). */
const MAX_FAILED_LISTED = 50;

export function countsOf(targets: RolloutTarget[]): PhaseCounts {
  const c: PhaseCounts = { total: targets.length, pending: 0, progressing: 0, succeeded: 0, failed: 0, rolledBack: 0 };
  for (const t of targets) {
    if (t.state === 'Pending') c.pending++;
    else if (t.state === 'Progressing') c.progressing++;
    else if (t.state === 'Succeeded') c.succeeded++;
    else c.failed++;
    if (t.rollback?.state === 'Succeeded') c.rolledBack++;
  }
  return c;
}

export function clusterCounts(targets: RolloutTarget[], clusters: ObservedCluster[]): ClusterCounts[] {
  const ids = [...new Set(targets.map((t) => t.cluster))].sort();
  return ids.map((id) => ({
    id,
    reachable: clusters.find((c) => c.id === id)?.reachable === true,
    ...countsOf(targets.filter((t) => t.cluster === id)),
  }));
}

export function failedList(targets: RolloutTarget[]): FailedDatabase[] {
  return targets
    .filter((t) => t.state === 'Failed')
    .slice(0, MAX_FAILED_LISTED)
    .map((t) => ({
      cluster: t.cluster,
      namespace: t.namespace,
      name: t.name,
      reason: t.reason ?? 'Failed',
      message: t.message ?? '',
    }));
}

const PHASE_CONDITIONS: Partial<Record<RolloutPhase, string>> = {
  Progressing: 'Progressing',
  Soaking: 'Progressing',
  Paused: 'Paused',
  Halted: 'Halted',
  Aborted: 'Aborted',
  Completed: 'Completed',
  RolledBack: 'RolledBack',
};

export function conditionsFor(
  previous: Condition[],
  phase: RolloutPhase,
  reason: string,
  message: string,
  now: string,
): Condition[] {
  const active = PHASE_CONDITIONS[phase];
  const types = new Set([...previous.map((c) => c.type), ...(active !== undefined ? [active] : [])]);
  return [...types].map((type) => {
    const before = previous.find((c) => c.type === type);
    const status = type === active ? 'True' : 'False';
    const next: Condition = {
      type,
      status,
      reason: type === active ? reason : (before?.reason ?? reason),
      message: type === active ? message : (before?.message ?? ''),
      lastTransitionTime: before?.status === status ? before.lastTransitionTime : now,
    };
    return next;
  });
}

const PHASE_EVENTS: Partial<Record<RolloutPhase, RolloutTransition['type']>> = {
  Paused: 'Paused',
  Halted: 'Halted',
  Aborted: 'Aborted',
  Completed: 'Completed',
  RolledBack: 'RolledBack',
};

export function transitionsOf(
  ref: RolloutRef,
  before: { phase: RolloutPhase | undefined; waves: WaveRecord[] },
  after: { phase: RolloutPhase; waves: WaveRecord[]; message: string },
): RolloutTransition[] {
  const events: RolloutTransition[] = [];
  const id = (type: string, extra: string | number): string => `${ref.uid}/${type}/${extra}`;
  if (before.phase === undefined || before.phase === 'Pending') {
    events.push({ type: 'Started', id: id('Started', 0), message: `rollout ${ref.namespace}/${ref.name} started` });
  }
  for (const w of after.waves) {
    const was = before.waves.find((b) => b.index === w.index);
    if (w.passedAt !== undefined && was?.passedAt === undefined) {
      events.push({
        type: 'WaveCompleted',
        id: id('WaveCompleted', w.index),
        wave: w.index,
        message: `wave ${w.index} done`,
      });
    }
  }
  if (before.phase !== after.phase) {
    const type = PHASE_EVENTS[after.phase];
    // Pause and resume can repeat: the spec generation tells one pause from the next.
    if (type !== undefined) events.push({ type, id: id(type, ref.generation), message: after.message });
    if (before.phase === 'Paused' && (after.phase === 'Progressing' || after.phase === 'Soaking')) {
      events.push({ type: 'Resumed', id: id('Resumed', ref.generation), message: after.message });
    }
  }
  return events;
}
