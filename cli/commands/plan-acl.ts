/**
 * The ACL part of `plan -f` (configuration.auth, docs/adr/0012-acl-reconfigure.md): apply-config's own ACL plan
 * (prepareAcl, run by plan-run.ts) shown as users by name, where they are persisted and the pods in the step's order —
 * never a rule, a hash or a secret's value.
 */
import { AclReason } from '../../shared/acl/errors.ts';
import { OpsRequestFailedError } from '../../shared/errors.ts';
import { ConfigKey, managedConfigSecretName } from '../../shared/kubedb/constants.ts';
import type { RedisOpsRequest } from '../../shared/kubedb/types.ts';
import { planTable } from '../../shared/config/plan-reconfigure.ts';
import { aclPodOrder } from '../../shared/steps/apply-config/acl-apply.ts';
import { aclOnlyReason, aclPersistedIn, changesUsers, type AclStep } from '../../shared/steps/apply-config/acl-plan.ts';
import { loadDatabase } from '../../shared/steps/apply-config/plan-request.ts';
import type { StepDeps } from '../../shared/steps/ports.ts';
import { aclPodActions, buildAclOnlyReport, type AclPlanView, type PlanReport } from '../plan-view.ts';

/** The ACL change as the step would make it: users by name, where they are persisted, the pods in order. */
export async function aclPlan(
  acl: AclStep,
  deps: StepDeps,
  waits: boolean,
): Promise<{ view: AclPlanView; note?: string }> {
  const { plan } = acl;
  const base = {
    added: plan.added,
    updated: plan.updated,
    deleted: plan.delete,
    kept: plan.kept,
    persistedIn: aclPersistedIn(acl),
  };
  if (!changesUsers(plan)) return { view: { ...base, pods: [] } };
  try {
    const { order, topology } = await aclPodOrder(acl.redis, deps);
    return { view: { ...base, pods: aclPodActions({ mode: topology.mode, order, roles: topology.roles }) } };
  } catch (err) {
    // Waiting for a Ready database first (apply: IfReady): the pods are judged when it runs, not now.
    if (!(waits && err instanceof OpsRequestFailedError && err.reason === AclReason.ApplyFailed)) throw err;
    return {
      view: { ...base, pods: [] },
      note: `${err.message.replace(/; nothing was changed$/, '')} now; the ACL order is taken when it runs`,
    };
  }
}

/** An ACL-only request: no configuration change, no restart; the step's own summary words. */
export async function aclOnlyReport(
  ctx: { ops: RedisOpsRequest; namespace: string; deps: StepDeps },
  ref: string,
  acl: AclStep,
  aclView: { view: AclPlanView; note?: string },
  notes: string[],
): Promise<PlanReport> {
  const { redis, distribution, version } = await loadDatabase(ctx);
  const managed = await ctx.deps.kube.getSecret(
    ctx.namespace,
    managedConfigSecretName(redis.metadata.name, redis.metadata.uid ?? ''),
  );
  return buildAclOnlyReport({
    opsRequest: ref,
    database: `${ctx.namespace}/${redis.metadata.name}`,
    mode: redis.spec.mode ?? 'Standalone',
    line: planTable({ distribution, ...(version !== undefined ? { version } : {}) }).label,
    engineVersion: version?.version,
    summary: aclOnlyReason(
      acl.plan,
      aclView.view.pods.map((p) => p.pod),
    ),
    effectiveConfig: managed?.data[ConfigKey.Default] ?? '',
    notes: [...(aclView.note !== undefined ? [aclView.note] : []), ...notes],
    acl: aclView.view,
  });
}
