/**
 * apply-config: build the new configuration (replace / merge / remove), validate it before touching anything, then
 * write it where the pods read it at start (the operator-managed secret's default.conf), point the Redis at it
 * (spec.configuration, so a resumed provisioner regenerates the very same file), stamp the PetSet pod template,
 * and plan the restart. An ACL change (`auth`) is carried out first, live on every pod (acl-step.ts, ADR 0012).
 */
import { createHash } from 'node:crypto';
import { ConfigKey, OpsCondition, OpsMessage } from '../../kubedb/constants.ts';
import { asksForConfigChange } from '../../kubedb/reconfigure-support.ts';
import type { Redis } from '../../kubedb/types.ts';
import { planTable, type ReconfigurePlan } from '../../config/plan-reconfigure.ts';
import { planSummaryLine } from '../../config/plan-summary.ts';
import { expectedRuntimeValues } from '../../config/verify.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { CONFIG_HASH_ANNOTATION, PLAN_ANNOTATION, type RestartPlan } from '../annotations.ts';
import { dueStep } from '../progress.ts';
import { loadStepContext, withOps } from '../context.ts';
import { restoreConfiguration, saveSnapshot } from '../rollback-snapshot.ts';
import { applyLive } from './live-apply.ts';
import { liveChange, liveConditions, livePlan, recordLiveApply } from './live-plan.ts';
import { planRequest } from './plan-request.ts';
import { restartOrder } from './restart-order.ts';
import { prepareAcl, refuseFirstAclWithRestart } from './acl-plan.ts';
import { applyAclFirst, runAclOnly, undoAclOnFailure } from './acl-step.ts';
import { addConditions, handOver } from './step-io.ts';

export async function runApplyConfig(data: StepData, deps: StepDeps): Promise<void> {
  const loaded = await loadStepContext(data, deps);
  if (loaded === undefined || dueStep(loaded.ops).step !== 'apply-config') return;
  let ctx = loaded;
  const { ops, namespace: ns } = ctx;
  // The ACL change (configuration.auth) is validated and planned before anything is written: acl-step.ts.
  const acl = await prepareAcl(ctx);
  if (!asksForConfigChange(ops)) return runAclOnly(ctx, acl);
  // Every validation an ops request gets, before the first write (the rollback snapshot included): plan-request.ts.
  const { redis, managedName, previous, engine, plan, request } = await planRequest(ctx);
  const { snapshot } = previous;
  const table = planTable(engine);
  const change = liveChange(plan, snapshot.effectiveConfig, table);
  refuseFirstAclWithRestart(acl, change === undefined && plan.restart.needed, `${ns}/${redis.metadata.name}`);
  await saveSnapshot(ctx, redis, previous);
  const aclApplied = await applyAclFirst(ctx, acl);
  ctx = aclApplied?.ctx ?? ctx;

  const persist = async (): Promise<void> => {
    await deps.kube.putSecret(
      ns,
      managedName,
      { [ConfigKey.Default]: plan.effectiveConfig },
      { owner: ownerOf(redis) },
    );
    await deps.kube.writeRedisConfiguration(redis, plan.next);
    ctx = await addConditions(ctx, [{ type: OpsCondition.PatchedSecret, message: OpsMessage.PatchedSecret }]);
  };
  let applied: { pods: string[] } | undefined;
  if (change !== undefined) {
    const unpersist = async () => void (await restoreConfiguration(ctx, snapshot));
    applied = await undoAclOnFailure(aclApplied, () => applyLive(redis, change, { persist, unpersist }, deps));
  } else await persist();

  const configHash = createHash('sha256').update(plan.effectiveConfig).digest('hex').slice(0, 16);
  await deps.kube.annotatePetSetTemplates(ns, redis.metadata.name, { [CONFIG_HASH_ANNOTATION]: configHash });
  const restartPlan =
    applied !== undefined
      ? livePlan(plan, snapshot.effectiveConfig, configHash, applied.pods, table)
      : await buildRestartPlan(plan, snapshot.effectiveConfig, configHash, redis, deps);
  ctx = withOps(ctx, await deps.kube.writeOpsAnnotations(ctx.ops, { [PLAN_ANNOTATION]: JSON.stringify(restartPlan) }));
  const updated: Array<{ type: string; message: string }> = [
    // KubeDB's message, then the plan in one line (the same words as `redis-reconfigure plan`).
    {
      type: OpsCondition.UpdatePetSets,
      message: `${OpsMessage.UpdatePetSets}; ${planSummaryLine(plan, request.restart, applied?.pods ?? restartPlan.pods)}`,
    },
    ...(applied !== undefined ? liveConditions(plan, applied.pods) : []),
  ];
  if (!restartPlan.restart) updated.push({ type: OpsCondition.RestartSkipped, message: restartPlan.restartReason });
  ctx = await addConditions(ctx, updated);
  if (applied !== undefined) await recordLiveApply(ctx.ops, plan, applied.pods, deps);
  await handOver(restartPlan, data, deps);
}

async function buildRestartPlan(
  plan: ReconfigurePlan,
  previousEffective: string,
  configHash: string,
  redis: Redis,
  deps: StepDeps,
): Promise<RestartPlan> {
  const pods = plan.restart.needed ? await restartOrder(redis, deps) : [];
  const reversed = plan.changed.map((c) => ({ ...c, before: c.after, after: c.before }));
  return {
    version: 1,
    restart: plan.restart.needed,
    restartReason: plan.restart.reason,
    pods,
    expected: expectedRuntimeValues(plan.changed, plan.effectiveConfig),
    previous: expectedRuntimeValues(reversed, previousEffective),
    configHash,
  };
}

const ownerOf = (redis: Redis) => ({
  apiVersion: redis.apiVersion,
  kind: redis.kind,
  name: redis.metadata.name,
  uid: redis.metadata.uid ?? '',
});
