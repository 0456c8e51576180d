/**
 * Where an ops request stands, derived only from its status and annotations (the cluster is the source of truth).
 * Every handler asks this before acting, so a duplicate, late or replayed message is a no-op.
 */
import {
  evictPodCondition,
  isPodReadyCondition,
  isTerminalPhase,
  OpsCondition,
  OpsPhase,
} from '../kubedb/constants.ts';
import { findCondition, isConditionTrue } from '../kubedb/conditions.ts';
import type { Condition, RedisOpsRequest } from '../kubedb/types.ts';
import { readPlan, type RestartPlan } from './annotations.ts';

export type Due =
  | { step: 'none'; why: string }
  | { step: 'halt' }
  | { step: 'apply-config' }
  | { step: 'restart-pod'; pod: string; phase: 'evict' | 'check'; plan: RestartPlan }
  | { step: 'resume'; outcome: 'Successful' }
  | { step: 'rolling-back'; plan: RestartPlan };

/** The parts of an ops request `dueStep` reads (the forwarder has only these, validated at its edge). */
interface OpsProgress {
  metadata: { annotations?: Record<string, string> | undefined };
  spec: { type: string };
  status?: { phase?: string | undefined; conditions?: readonly Condition[] | undefined } | undefined;
}

export function dueStep(ops: OpsProgress): Due {
  const status = ops.status ?? {};
  if (ops.spec.type !== 'Reconfigure') return { step: 'none', why: `type ${ops.spec.type} is not handled` };
  if (isTerminalPhase(status.phase)) return { step: 'none', why: `phase is ${status.phase}` };
  if (status.phase !== OpsPhase.Progressing) return { step: 'halt' };
  const conditions = status.conditions;
  if (!isConditionTrue(conditions, OpsCondition.DatabasePauseSucceeded)) return { step: 'halt' };
  if (!isConditionTrue(conditions, OpsCondition.UpdatePetSets)) return { step: 'apply-config' };
  const plan = readPlan(ops.metadata.annotations);
  if (plan === undefined) return { step: 'apply-config' };
  if (findCondition(conditions, OpsCondition.RolledBack) !== undefined) return { step: 'rolling-back', plan };
  if (!plan.restart || isConditionTrue(conditions, OpsCondition.RestartPods))
    return { step: 'resume', outcome: 'Successful' };
  const pod = plan.pods.find((p) => !isConditionTrue(conditions, isPodReadyCondition(p)));
  if (pod === undefined) return { step: 'resume', outcome: 'Successful' };
  const evicted = isConditionTrue(conditions, evictPodCondition(pod));
  return { step: 'restart-pod', pod, phase: evicted ? 'check' : 'evict', plan };
}

/** When the current step started: the newest condition transition (each step starts by writing a condition). */
export function currentStepStartedAt(ops: RedisOpsRequest): Date | undefined {
  const times = (ops.status?.conditions ?? []).map((c) => Date.parse(c.lastTransitionTime)).filter(Number.isFinite);
  return times.length === 0 ? undefined : new Date(Math.max(...times));
}
