/**
 * `plan -f <ops-request.yaml>` (cli/commands/plan.ts): what the functions would do for that ops request, read from the
 * cluster with the steps' own code and nothing written (cli/read-only-deps.ts). The halt step's checks
 * (decideHalt, the ACL check), then apply-config's validation and plan (prepareAcl for configuration.auth, planRequest),
 * then the pod order the ACL change and the live or rolling path would take (aclPodOrder, liveTargets / restartOrder,
 * from roles observed on the wire). A request that would fail exits 1 with the reason and message its Failed
 * condition would carry.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { OpsRequestFailedError } from '../../shared/errors.ts';
import { OPS_GROUP } from '../../shared/kubedb/constants.ts';
import { asksForConfigChange } from '../../shared/kubedb/reconfigure-support.ts';
import type { RedisOpsRequest } from '../../shared/kubedb/types.ts';
import type { ApplyPath } from '../../shared/config/live-apply.ts';
import { planTable } from '../../shared/config/plan-reconfigure.ts';
import { RESTART_STRATEGY_ANNOTATION } from '../../shared/steps/annotations.ts';
import { checkAclRequestOf } from '../../shared/steps/acl-request.ts';
import { prepareAcl, refuseFirstAclWithRestart } from '../../shared/steps/apply-config/acl-plan.ts';
import { liveTargets } from '../../shared/steps/apply-config/live-apply.ts';
import { liveChange } from '../../shared/steps/apply-config/live-plan.ts';
import { planRequest, type PlannedRequest } from '../../shared/steps/apply-config/plan-request.ts';
import { restartOrder } from '../../shared/steps/apply-config/restart-order.ts';
import { decideHalt } from '../../shared/steps/halt/decide-halt.ts';
import type { StepDeps } from '../../shared/steps/ports.ts';
import { observeTopology } from '../../shared/steps/topology/observe.ts';
import { UsageError } from '../args.ts';
import type { CommandInput } from '../command.ts';
import { clusterTargets } from '../kubeconfig.ts';
import {
  buildPlanReport,
  podActions,
  renderFailure,
  renderPlan,
  type PlanFailure,
  type PlanPod,
  type PlanReport,
} from '../plan-view.ts';
import { readOnlyDeps } from '../read-only-deps.ts';
import { aclOnlyReport, aclPlan } from './plan-acl.ts';

/** The file's objects (every YAML document of it). */
async function readObjects(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`-f ${path}: ${(err as Error).message}`, { cause: err });
  }
  const objects: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new UsageError(`-f ${path}: ${doc.errors[0]?.message ?? 'not YAML'}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

/** The one RedisOpsRequest of the file, shape-checked as far as the functions rely on it. */
export async function readOpsRequestFile(path: string): Promise<RedisOpsRequest> {
  const objects = await readObjects(path);
  const ops = objects.filter((o) => (o as { kind?: unknown }).kind === 'RedisOpsRequest') as RedisOpsRequest[];
  if (ops.length !== 1)
    throw new UsageError(
      `-f ${path}: expected one RedisOpsRequest, found ${ops.length} (of ${objects.length} objects)`,
    );
  const [o] = ops as [RedisOpsRequest];
  const problem = !String(o.apiVersion).startsWith(`${OPS_GROUP}/`)
    ? `apiVersion ${String(o.apiVersion)}: expected ${OPS_GROUP}/v1alpha1`
    : typeof o.metadata?.name !== 'string'
      ? 'metadata.name is required'
      : o.spec?.type !== 'Reconfigure'
        ? `spec.type ${String(o.spec?.type)}: plan covers Reconfigure ops requests only`
        : typeof o.spec.databaseRef?.name !== 'string'
          ? 'spec.databaseRef.name is required'
          : undefined;
  if (problem !== undefined) throw new UsageError(`-f ${path}: ${problem}`);
  return o;
}

/** kubectl's rule: the object's namespace wins, and an explicit -n that disagrees is an error. */
function namespaceOf(ops: RedisOpsRequest, flag: string | undefined, contextNs: string): string {
  const own = ops.metadata.namespace;
  if (own !== undefined && flag !== undefined && own !== flag)
    throw new UsageError(`the namespace from the provided object "${own}" does not match the namespace "${flag}"`);
  return own ?? contextNs;
}

type Outcome = { kind: 'plan'; report: PlanReport } | { kind: 'fail'; failure: PlanFailure };

async function planOps(ops: RedisOpsRequest, namespace: string, deps: StepDeps): Promise<Outcome> {
  const ref = `${namespace}/${ops.metadata.name}`;
  const fail = (reason: string, message: string): Outcome => ({
    kind: 'fail',
    failure: { kind: 'ReconfigurePlan', opsRequest: ref, outcome: 'Failed', reason, message },
  });
  // The file's object stands in for the one in the cluster (if it was applied already, it is the same request).
  const sameName = (o: RedisOpsRequest) => o.metadata.name === ops.metadata.name;
  const [redis, listed] = await Promise.all([
    deps.kube.getRedis(namespace, ops.spec.databaseRef.name),
    deps.kube.listOpsRequests(namespace),
  ]);
  const halt = decideHalt({ ops, redis, siblings: listed.filter((o) => !sameName(o)) });
  if (halt.kind === 'fail') return fail(halt.reason, halt.message);
  const notes = halt.kind === 'wait' ? [`it would wait first (${halt.reason}): ${halt.message}`] : [];
  const ctx = { ops, namespace, deps };
  let planned: PlannedRequest;
  try {
    // halt's own ACL check, then apply-config's ACL plan (prepareAcl): the same refusals, in the same order.
    if (redis !== undefined) await checkAclRequestOf(ops, redis, deps.kube);
    const acl = await prepareAcl(ctx);
    const aclView = acl === undefined ? undefined : await aclPlan(acl, deps, halt.kind === 'wait');
    if (!asksForConfigChange(ops) && acl !== undefined && aclView !== undefined)
      return { kind: 'plan', report: await aclOnlyReport(ctx, ref, acl, aclView, notes) };
    planned = await planRequest(ctx);
    const { path, pods, note } = await podPlan(ops, planned, deps, halt.kind === 'wait');
    refuseFirstAclWithRestart(acl, path === 'rolling', `${namespace}/${planned.redis.metadata.name}`);
    return {
      kind: 'plan',
      report: buildPlanReport({
        opsRequest: ref,
        database: `${namespace}/${planned.redis.metadata.name}`,
        mode: planned.mode,
        engineVersion: planned.version?.version,
        restart: planned.request.restart,
        plan: planned.plan,
        path,
        pods,
        notes: [
          ...(note !== undefined ? [note] : []),
          ...(aclView?.note !== undefined ? [aclView.note] : []),
          ...notes,
        ],
        ...(aclView !== undefined ? { acl: aclView.view } : {}),
      }),
    };
  } catch (err) {
    if (err instanceof OpsRequestFailedError) return fail(err.reason, err.message);
    throw err;
  }
}

/**
 * The path the step would take. As in apply-config: a live change that could not be put back (liveChange undefined)
 * is not made live; it is persisted, and rolls when the plan says a restart is needed.
 */
function stepPath({ plan, engine, previous }: PlannedRequest): { path: ApplyPath; note?: string } {
  const path = plan.live.path;
  const live = path === 'live' || path === 'live-with-pending';
  if (!live || liveChange(plan, previous.snapshot.effectiveConfig, planTable(engine)) !== undefined) return { path };
  return {
    path: plan.restart.needed ? 'rolling' : 'none',
    note: `a changed directive could be CONFIG SET but not put back on a failure (no known built-in value): not applied live; ${plan.restart.reason}`,
  };
}

/** The pods in the step's order, with what happens to each. */
async function podPlan(
  ops: RedisOpsRequest,
  planned: PlannedRequest,
  deps: StepDeps,
  waits: boolean,
): Promise<{ path: ApplyPath; pods: PlanPod[]; note?: string }> {
  const { path, note } = stepPath(planned);
  const withNote = note !== undefined ? { note } : {};
  if (path === 'none') return { path, pods: [], ...withNote };
  const { redis, mode } = planned;
  let order: string[];
  try {
    order = await (path === 'rolling'
      ? restartOrder(redis, deps)
      : liveTargets(redis, deps).then((targets) => targets.map((t) => t.pod)));
  } catch (err) {
    // Waiting for a Ready database first (apply: IfReady): the pods are judged when it runs, not now.
    if (!(waits && err instanceof OpsRequestFailedError && err.reason === 'LiveApplyFailed')) throw err;
    return {
      path,
      pods: [],
      note: `${err.message.replace(/; nothing was changed$/, '')} now; the order is taken when it runs`,
    };
  }
  const strategy = ops.metadata.annotations?.[RESTART_STRATEGY_ANNOTATION] === 'kubedb' ? 'kubedb' : 'failover';
  const topology = await observeTopology(redis, deps);
  return { path, pods: podActions({ path, mode, order, roles: topology.roles, strategy }), ...withNote };
}

export async function runPlan({ globals, values, io }: CommandInput): Promise<number> {
  const file = values['filename'] as string;
  const ops = await readOpsRequestFile(file);
  const [target] = clusterTargets({ ...globals, namespace: undefined }, io.env);
  if (target === undefined) return 1;
  const namespace = namespaceOf(ops, globals.namespace, target.namespace ?? 'default');
  const outcome = await planOps(ops, namespace, readOnlyDeps(target.kubeConfig, io.now));
  const object = outcome.kind === 'plan' ? outcome.report : outcome.failure;
  if (globals.output === 'json') io.out(JSON.stringify(object, null, 2));
  else if (globals.output === 'yaml') io.out((await import('yaml')).stringify(object).trimEnd());
  else if (outcome.kind === 'plan') for (const line of renderPlan(outcome.report)) io.out(line);
  if (outcome.kind === 'fail') {
    io.err(`error: ${renderFailure(outcome.failure)}`);
    return 1;
  }
  return 0;
}
