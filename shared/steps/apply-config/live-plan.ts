/**
 * What the live path applies and records (docs/adr/0011-live-apply.md): the CONFIG SET arguments forward and back,
 * the plan annotation that tells the later steps nothing restarts, and the conditions and events that say which
 * path ran, why, and what is still pending.
 */
import { canonicalDirectiveName, type EngineTable } from '../../config/flags.ts';
import { configSetArguments } from '../../config/live-apply.ts';
import type { ReconfigurePlan } from '../../config/plan-reconfigure.ts';
import { expectedRuntimeValues } from '../../config/verify.ts';
import { DbCondition, OpsCondition } from '../../kubedb/constants.ts';
import { setCondition } from '../../kubedb/conditions.ts';
import type { RedisOpsRequest } from '../../kubedb/types.ts';
import type { StepDeps } from '../ports.ts';
import type { RestartPlan } from '../annotations.ts';
import type { LiveChange } from './live-apply.ts';

/**
 * The CONFIG SET arguments that take every pod to the new values and back. Undefined when some directive could be
 * set but not put back (no previous value and no known built-in default): such a change is not made live. Undefined
 * too when the plan's path is not live (shared/config/live-apply.ts decideApplyPath).
 */
export function liveChange(
  plan: ReconfigurePlan,
  previousEffective: string,
  table: EngineTable,
): LiveChange | undefined {
  if (plan.live.path !== 'live' && plan.live.path !== 'live-with-pending') return undefined;
  const mutable = new Set(plan.live.mutable);
  const changed = plan.changed.filter((c) => mutable.has(canonicalDirectiveName(c.name)));
  const reversed = changed.map((c) => ({ ...c, before: c.after, after: c.before }));
  const forward = configSetArguments(changed, plan.effectiveConfig, table);
  const back = configSetArguments(reversed, previousEffective, table);
  if (forward.unresolved.length > 0 || back.unresolved.length > 0) return undefined;
  return {
    set: forward.args,
    restore: back.args,
    expected: expectedRuntimeValues(changed, plan.effectiveConfig, table),
    // Multi-parameter CONFIG SET, all-or-nothing, exists since Redis 7.0 (Valkey forked from 7.2).
    atomic: table.distribution === 'Valkey' || table.major >= 7,
  };
}

const listed = (names: readonly string[]): string => (names.length > 0 ? names.join(', ') : 'nothing');

function liveReason(plan: ReconfigurePlan, pods: readonly string[]): string {
  const pending =
    plan.live.pending.length > 0
      ? `; restart: "false": ${listed(plan.live.pending)} persisted, in effect after each pod's next restart`
      : '';
  return `applied live with CONFIG SET on ${pods.length} pod(s), no restart (${plan.live.line}): ${listed(plan.live.mutable)}${pending}`;
}

/** The plan annotation of a live run: no pod to restart, so the next due step is resume. */
export function livePlan(
  plan: ReconfigurePlan,
  previousEffective: string,
  configHash: string,
  pods: readonly string[],
  table: EngineTable,
): RestartPlan {
  const mutable = new Set(plan.live.mutable);
  const changed = plan.changed.filter((c) => mutable.has(canonicalDirectiveName(c.name)));
  const reversed = changed.map((c) => ({ ...c, before: c.after, after: c.before }));
  return {
    version: 1,
    restart: false,
    restartReason: liveReason(plan, pods),
    pods: [],
    expected: expectedRuntimeValues(changed, plan.effectiveConfig, table),
    previous: expectedRuntimeValues(reversed, previousEffective, table),
    configHash,
    path: plan.live.path,
    ...(plan.live.pending.length > 0 ? { pending: plan.live.pending } : {}),
  };
}

const pendingMessage = (plan: ReconfigurePlan, pods: readonly string[]): string =>
  `restart-only directives ${listed(plan.live.pending)} are persisted but not in effect: pods ${listed(pods)} run the previous values until their next restart (restart: "false")`;

/** Conditions of a live run: which path ran and why; what is pending, never silently. */
export function liveConditions(
  plan: ReconfigurePlan,
  pods: readonly string[],
): Array<{ type: string; message: string }> {
  const out: Array<{ type: string; message: string }> = [
    { type: OpsCondition.ConfigAppliedLive, message: liveReason(plan, pods) },
  ];
  if (plan.live.pending.length > 0)
    out.push({ type: OpsCondition.RestartPending, message: pendingMessage(plan, pods) });
  return out;
}

/** Events, and the pending restart on the Redis itself where a user looking at the database sees it. */
export async function recordLiveApply(
  ops: RedisOpsRequest,
  plan: ReconfigurePlan,
  pods: readonly string[],
  deps: StepDeps,
): Promise<void> {
  await deps.kube.recordEvent(ops, {
    type: 'Normal',
    reason: OpsCondition.ConfigAppliedLive,
    message: liveReason(plan, pods),
  });
  if (plan.live.pending.length === 0) return;
  const message = pendingMessage(plan, pods);
  await deps.kube.recordEvent(ops, { type: 'Warning', reason: OpsCondition.RestartPending, message });
  const redis = await deps.kube.getRedis(ops.metadata.namespace ?? '', ops.spec.databaseRef.name);
  if (redis === undefined) return;
  const conditions = setCondition(
    redis.status?.conditions,
    { type: DbCondition.RestartPending, status: 'True', reason: 'RestartOnlyDirectivesPending', message },
    deps.now(),
  );
  await deps.kube.writeRedisConditions(redis, conditions);
}
