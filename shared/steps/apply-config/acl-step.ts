/**
 * Where the ACL part sits in apply-config (docs/adr/0012-acl-reconfigure.md):
 * - an ACL-only request: the change on every pod (acl-apply.ts), then a plan that restarts nothing, and resume;
 * - with a configuration change: the ACL change first, on every pod, then the configuration (live or rolling). A
 *   configuration the engine refuses in apply-config (the live canary, a later live pod) undoes the ACL change too,
 *   so a Failed request leaves the users as they were. Both parts are validated before either touches anything.
 */
import { createHash } from 'node:crypto';
import { OpsRequestFailedError } from '../../errors.ts';
import { ConfigKey, managedConfigSecretName, OpsCondition, OpsMessage } from '../../kubedb/constants.ts';
import { PLAN_ANNOTATION, type RestartPlan } from '../annotations.ts';
import { withOps, type StepContext } from '../context.ts';
import { applyAcl, type AclApplied } from './acl-apply.ts';
import { aclOnlyReason, type AclStep } from './acl-plan.ts';
import { addConditions, handOver } from './step-io.ts';

/** The plan annotation of an ACL-only run: no pod to restart, nothing for CONFIG GET to check. */
function aclOnlyPlan(step: AclStep, pods: readonly string[], effectiveConfig: string): RestartPlan {
  return {
    version: 1,
    restart: false,
    restartReason: aclOnlyReason(step.plan, pods),
    pods: [],
    expected: [],
    previous: [],
    configHash: createHash('sha256').update(effectiveConfig).digest('hex').slice(0, 16),
    path: 'none',
  };
}

/**
 * A request without a configuration change (halt let it through, so it has an ACL change; a request with neither
 * never gets here, halt refuses it as KubeDB's webhook does).
 */
export async function runAclOnly(ctx: StepContext, step: AclStep | undefined): Promise<void> {
  if (step === undefined) {
    throw new OpsRequestFailedError('InvalidSpec', 'nothing to reconfigure: neither a configuration nor an ACL change');
  }
  const { redis } = step;
  const applied = await applyAcl(ctx, step);
  const { deps, namespace } = applied.ctx;
  const managed = await deps.kube.getSecret(
    namespace,
    managedConfigSecretName(redis.metadata.name, redis.metadata.uid ?? ''),
  );
  const plan = aclOnlyPlan(step, applied.pods, managed?.data[ConfigKey.Default] ?? '');
  let next = withOps(
    applied.ctx,
    await deps.kube.writeOpsAnnotations(applied.ctx.ops, { [PLAN_ANNOTATION]: JSON.stringify(plan) }),
  );
  next = await addConditions(next, [
    { type: OpsCondition.UpdatePetSets, message: OpsMessage.UpdatePetSets },
    { type: OpsCondition.RestartSkipped, message: plan.restartReason },
  ]);
  await handOver(plan, next.data, deps);
}

/** The ACL change of a request that changes the configuration too: first, on every pod (none without one). */
export async function applyAclFirst(ctx: StepContext, step: AclStep | undefined): Promise<AclApplied | undefined> {
  return step === undefined ? undefined : applyAcl(ctx, step);
}

/**
 * Run the configuration's live apply after the ACL change; its failure (an OpsRequestFailedError: the engine refused
 * the config, the config was restored) undoes the ACL change as well and says so in the same message.
 */
export async function undoAclOnFailure<T>(applied: AclApplied | undefined, run: () => Promise<T>): Promise<T> {
  if (applied === undefined) return run();
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof OpsRequestFailedError)) throw err;
    const notRestored = await applied.undo();
    const unrestored = notRestored.length > 0 ? `; could NOT restore the ACL users of ${notRestored.join(', ')}` : '';
    throw new OpsRequestFailedError(
      err.reason,
      `${err.message}; the request's ACL change was undone too (the users of ${applied.pods.length} pod(s), the ACL ` +
        `secret and rules)${unrestored}`,
      { cause: err },
    );
  }
}
