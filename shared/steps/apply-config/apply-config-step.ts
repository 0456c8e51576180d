/**
 * apply-config: build the new configuration (replace / merge / remove), validate it before touching anything, then
 * write it where the pods read it at start (the operator-managed secret's default.conf), point the Redis at it
 * (spec.configuration, so a resumed provisioner regenerates the very same file), stamp the PetSet pod template,
 * and plan the restart. An ACL change (`auth`) is carried out first, live on every pod (acl-step.ts, ADR 0012).
 */
import { createHash } from 'node:crypto';
import { OpsRequestFailedError } from '../../errors.ts';
import { ConfigKey, managedConfigSecretName, OpsCondition, OpsMessage } from '../../kubedb/constants.ts';
import { asksForConfigChange } from '../../kubedb/reconfigure-support.ts';
import type { Redis } from '../../kubedb/types.ts';
import {
  planReconfigure,
  planTable,
  type ReconfigurePlan,
  type ReconfigureRequest,
} from '../../config/plan-reconfigure.ts';
import { expectedRuntimeValues } from '../../config/verify.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { CONFIG_HASH_ANNOTATION, PLAN_ANNOTATION, type RestartPlan } from '../annotations.ts';
import { dueStep } from '../progress.ts';
import { loadStepContext, withOps, type StepContext } from '../context.ts';
import { loadSnapshot, restoreConfiguration, saveSnapshot } from '../rollback-snapshot.ts';
import { applyLive } from './live-apply.ts';
import { liveChange, liveConditions, livePlan, recordLiveApply } from './live-plan.ts';
import { restartOrder } from './restart-order.ts';
import { prepareAcl } from './acl-plan.ts';
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
  const { redis, distribution, version } = await loadDatabase(ctx);
  const configKey = distribution === 'Valkey' ? ConfigKey.Valkey : ConfigKey.Redis;
  const mode = redis.spec.mode ?? 'Standalone';
  const managedName = managedConfigSecretName(redis.metadata.name, redis.metadata.uid ?? '');

  // Validation (readRequest, planReconfigure) comes before the first write, the rollback snapshot included.
  const previous = await loadSnapshot(ctx, redis, configKey, managedName);
  const { snapshot } = previous;
  const request = await readRequest(ctx, configKey);
  const engine = { distribution, ...(version !== undefined ? { version } : {}) };
  const plan = planReconfigure({ current: snapshot.current, request, configKey, mode, ...engine });
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
  const table = planTable(engine);
  const change = liveChange(plan, snapshot.effectiveConfig, table);
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
    { type: OpsCondition.UpdatePetSets, message: OpsMessage.UpdatePetSets },
    ...(applied !== undefined ? liveConditions(plan, applied.pods) : []),
  ];
  if (!restartPlan.restart) updated.push({ type: OpsCondition.RestartSkipped, message: restartPlan.restartReason });
  ctx = await addConditions(ctx, updated);
  if (applied !== undefined) await recordLiveApply(ctx.ops, plan, applied.pods, deps);
  await handOver(restartPlan, data, deps);
}

/** The database and the engine line that judges it: the catalog's engine version picks the directive table. */
async function loadDatabase(ctx: StepContext) {
  const { ops, namespace: ns, deps } = ctx;
  const redis = await deps.kube.getRedis(ns, ops.spec.databaseRef.name);
  if (redis === undefined) {
    throw new OpsRequestFailedError(
      'DatabaseNotFound',
      `spec.databaseRef ${ns}/${ops.spec.databaseRef.name}, is invalid or not found`,
    );
  }
  const catalog = await deps.kube.getRedisVersion(redis.spec.version);
  const distribution = catalog?.distribution ?? 'Official';
  // Without a catalog version, the distribution's default line judges (shared/config/versions.ts).
  const version = catalog?.version !== undefined ? { version: catalog.version, distribution } : undefined;
  return { redis, distribution, version };
}

async function readRequest(ctx: StepContext, configKey: string): Promise<ReconfigureRequest> {
  const cfg = ctx.ops.spec.configuration ?? {};
  const request: ReconfigureRequest = {
    ...(cfg.applyConfig !== undefined ? { applyConfig: cfg.applyConfig } : {}),
    ...(cfg.removeCustomConfig !== undefined ? { removeCustomConfig: cfg.removeCustomConfig } : {}),
    ...(cfg.restart !== undefined ? { restart: cfg.restart } : {}),
  };
  if (cfg.configSecret === undefined) return request;
  const ns = ctx.namespace;
  const secret = await ctx.deps.kube.getSecret(ns, cfg.configSecret.name);
  if (secret === undefined) {
    throw new OpsRequestFailedError(
      'ConfigSecretNotFound',
      `spec.configuration.configSecret: secret ${ns}/${cfg.configSecret.name} not found`,
    );
  }
  return { ...request, configSecret: { name: cfg.configSecret.name, conf: secret.data[configKey] } };
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
