/**
 * decideRollout: the whole orchestration of a fleet rollout as one pure function of (spec, observed, now). The
 * rollout function reads the world, calls this, writes the status, then creates what it says (idempotent names), so
 * any message — duplicated, late, replayed — leads to the same end state: what is due is derived from the status
 * and the member clusters alone.
 */
import { haltVerdict, planRollback } from './halt.ts';
import { indexClusters, refreshRollback, refreshTarget, type ClusterIndex } from './observe-target.ts';
import { planTargets, waveCount } from './plan.ts';
import type { FleetRolloutSpec } from './spec.ts';
import { clusterCounts, conditionsFor, countsOf, failedList, transitionsOf } from './status.ts';
import {
  FINISHED_ROLLOUT_PHASES,
  type FleetRolloutStatus,
  type ObservedRollout,
  type OpsRequestToCreate,
  type RolloutDecision,
  type RolloutPhase,
  type RolloutTarget,
  type WaveRecord,
} from './types.ts';
import { currentWaveIndex, failUnstartable, soakCheck, startWave, waveFinished } from './waves.ts';

/** A backstop look while ops requests run (their step events wake the rollout sooner). */
export const IN_FLIGHT_LOOK_SECONDS = 30;
/** Longest wait between two looks during a soak (health is re-checked at each). */
export const MAX_SOAK_LOOK_SECONDS = 60;

interface Outcome {
  phase: RolloutPhase;
  reason: string;
  message: string;
  targets: RolloutTarget[];
  waves: WaveRecord[];
  create: OpsRequestToCreate[];
  rollbackCreate: OpsRequestToCreate[];
  haltReason?: string;
  soakEndsAt?: number;
}

interface DecideOptions {
  /** The backstop look while ops requests run (default IN_FLIGHT_LOOK_SECONDS). */
  inFlightLookSeconds?: number;
}

export function decideRollout(
  spec: FleetRolloutSpec,
  observed: ObservedRollout,
  now: Date,
  options: DecideOptions = {},
): RolloutDecision {
  const prev = observed.status;
  const clusters = indexClusters(observed.clusters);
  const started = prev?.startedAt !== undefined;
  const planned = started ? prev.targets : planTargets(spec, observed.rollout, observed.clusters);
  const targets = planned.map((t) => refreshRollback(refreshTarget(t, clusters), clusters));
  const waves = started
    ? prev.waves.map((w) => ({ ...w }))
    : Array.from({ length: waveCount(targets) }, (_, index) => ({ index }));
  const out = outcome(spec, observed, prev, { targets, waves }, clusters, now);
  const status = buildStatus(observed, prev, out, now);
  const events = transitionsOf(
    observed.rollout,
    { phase: prev?.phase, waves: prev?.waves ?? [] },
    { phase: out.phase, waves: out.waves, message: out.message },
  );
  return {
    create: out.create,
    rollbackCreate: out.rollbackCreate,
    status,
    events,
    nextLookSeconds: nextLook(out, now, options.inFlightLookSeconds ?? IN_FLIGHT_LOOK_SECONDS),
  };
}

function outcome(
  spec: FleetRolloutSpec,
  observed: ObservedRollout,
  prev: FleetRolloutStatus | undefined,
  state: { targets: RolloutTarget[]; waves: WaveRecord[] },
  clusters: ClusterIndex,
  now: Date,
): Outcome {
  const base = { ...state, create: [], rollbackCreate: [] };
  if (prev !== undefined && FINISHED_ROLLOUT_PHASES.has(prev.phase)) {
    return { ...base, phase: prev.phase, reason: prev.conditions.at(-1)?.reason ?? prev.phase, message: prev.message };
  }
  if (spec.abort) return { ...base, phase: 'Aborted', reason: 'AbortedByUser', message: 'aborted: spec.abort is true' };
  const current = currentWaveIndex(state.waves);
  const soaking = current !== undefined && state.waves[current]?.finishedAt !== undefined;
  const targets = soaking && prev?.haltReason === undefined ? soakCheck(state.targets, clusters) : state.targets;
  const haltReason = prev?.haltReason ?? haltVerdict(spec, targets);
  if (haltReason !== undefined) return halted(spec, observed, { ...base, targets }, haltReason, clusters);
  if (spec.paused) {
    return { ...base, targets, phase: 'Paused', reason: 'PausedByUser', message: 'paused: spec.paused is true' };
  }
  return advance(spec, observed, { ...base, targets }, clusters, now);
}

function halted(
  spec: FleetRolloutSpec,
  observed: ObservedRollout,
  base: Omit<Outcome, 'phase' | 'reason' | 'message'>,
  haltReason: string,
  clusters: ClusterIndex,
): Outcome {
  const message = `halted: ${haltReason}`;
  if (spec.strategy.onFailure !== 'rollback') {
    return { ...base, phase: 'Halted', reason: 'FailureBudgetSpent', message, haltReason };
  }
  const rb = planRollback(spec, observed.rollout, base.targets, clusters);
  const common = { ...base, targets: rb.targets, rollbackCreate: rb.create, haltReason };
  if (rb.done?.allSucceeded === true) {
    return {
      ...common,
      phase: 'RolledBack',
      reason: 'RolledBack',
      message: `${message}; changed databases rolled back`,
    };
  }
  const tail =
    rb.done !== undefined ? `; ${rb.done.failed} rollback(s) failed` : '; rolling back the changed databases';
  return { ...common, phase: 'Halted', reason: 'FailureBudgetSpent', message: `${message}${tail}` };
}

/** Pass every finished-and-soaked wave, then start what may start in the first one that is not. */
function advance(
  spec: FleetRolloutSpec,
  observed: ObservedRollout,
  base: Omit<Outcome, 'phase' | 'reason' | 'message'>,
  clusters: ClusterIndex,
  now: Date,
): Outcome {
  let targets = base.targets;
  const waves = base.waves;
  const soakMs = spec.strategy.soak;
  for (;;) {
    const index = currentWaveIndex(waves);
    const wave = index === undefined ? undefined : waves[index];
    if (index === undefined || wave === undefined) {
      return { ...base, targets, phase: 'Completed', reason: 'Completed', message: completedMessage(targets) };
    }
    targets = failUnstartable(targets, index, clusters);
    const haltReason = haltVerdict(spec, targets);
    if (haltReason !== undefined) return halted(spec, observed, { ...base, targets }, haltReason, clusters);
    if (!waveFinished(targets, index)) {
      const step = startWave(spec, targets, index, clusters);
      const message = `wave ${index + 1}/${waves.length} running`;
      return {
        ...base,
        targets: step.targets,
        create: step.create,
        phase: 'Progressing',
        reason: 'WaveRunning',
        message,
      };
    }
    wave.finishedAt ??= now.toISOString();
    const soakEndsAt = Date.parse(wave.finishedAt) + soakMs;
    if (now.getTime() < soakEndsAt) {
      const message = `wave ${index + 1}/${waves.length} soaking until ${new Date(soakEndsAt).toISOString()}`;
      return { ...base, targets, phase: 'Soaking', reason: 'WaveSoaking', message, soakEndsAt };
    }
    wave.passedAt = now.toISOString();
  }
}

const completedMessage = (targets: RolloutTarget[]): string => {
  const c = countsOf(targets);
  return `completed: ${c.succeeded} succeeded, ${c.failed} failed of ${c.total}`;
};

function buildStatus(
  observed: ObservedRollout,
  prev: FleetRolloutStatus | undefined,
  out: Outcome,
  now: Date,
): FleetRolloutStatus {
  const nowIso = now.toISOString();
  const current = currentWaveIndex(out.waves) ?? Math.max(out.waves.length - 1, 0);
  const finished = FINISHED_ROLLOUT_PHASES.has(out.phase);
  return {
    phase: out.phase,
    observedGeneration: observed.rollout.generation,
    wave: `${out.waves.length === 0 ? 0 : current + 1}/${out.waves.length}`,
    currentWave: current,
    totalWaves: out.waves.length,
    counts: countsOf(out.targets),
    clusters: clusterCounts(out.targets, observed.clusters),
    failed: failedList(out.targets),
    targets: out.targets,
    waves: out.waves,
    startedAt: prev?.startedAt ?? nowIso,
    ...(finished ? { finishedAt: prev?.finishedAt ?? nowIso } : {}),
    ...(out.haltReason !== undefined ? { haltReason: out.haltReason } : {}),
    message: out.message,
    conditions: conditionsFor(prev?.conditions ?? [], out.phase, out.reason, out.message, nowIso),
  };
}

function nextLook(out: Outcome, now: Date, inFlightSeconds: number): number | undefined {
  if (out.soakEndsAt !== undefined) {
    const seconds = Math.ceil((out.soakEndsAt - now.getTime()) / 1000);
    return Math.min(Math.max(seconds, 1), MAX_SOAK_LOOK_SECONDS, inFlightSeconds);
  }
  const inFlight = out.targets.some((t) => t.state === 'Progressing' || t.rollback?.state === 'Progressing');
  const rollbackWaiting = out.targets.some((t) => t.rollback?.state === 'Pending');
  return inFlight || rollbackWaiting ? inFlightSeconds : undefined;
}
