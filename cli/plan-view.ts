/**
 * `redis-reconfigure plan`, pure: what the functions would do for an ops request — built from the step's own plan
 * (shared/steps/apply-config/plan-request.ts) and the observed pod order — and how it is printed: kubectl-style
 * aligned tables, or one JSON / YAML object. No I/O here (cli/commands/plan-run.ts reads the cluster).
 */
import type { ApplyPath } from '../shared/config/live-apply.ts';
import type { ReconfigurePlan } from '../shared/config/plan-reconfigure.ts';
import { directiveChanges, pathReason, planSummaryLine, type DirectiveChange } from '../shared/config/plan-summary.ts';
import type { RedisMode } from '../shared/kubedb/topology.ts';
import type { ObservedRole } from '../shared/redis/replies.ts';
import { failoverCandidate, type RestartStrategy } from '../shared/steps/topology/restart-plan.ts';
import { table } from './output.ts';

export interface PlanPod {
  pod: string;
  role: 'primary' | 'replica' | 'standalone' | 'unobserved';
  shard?: number;
  action: string;
}

export interface PlanReport {
  kind: 'ReconfigurePlan';
  opsRequest: string;
  database: string;
  mode: RedisMode;
  /** The directive table judged against (`Redis 7.2`) and the RedisVersion's engine version it was picked by. */
  line: string;
  engineVersion?: string;
  restart: 'auto' | 'true' | 'false';
  path: ApplyPath;
  why: string;
  /** The one line the apply-config step records in its UpdatePetSets condition. */
  summary: string;
  changes: DirectiveChange[];
  pods: PlanPod[];
  /** restart "false": restart-only directives persisted but not in effect, and the pods that would run old values. */
  pending: { directives: string[]; pods: string[] };
  /** What would happen before the plan runs (waiting for another ops request, for a Ready database). */
  notes: string[];
  /** The request's ACL change (configuration.auth), done live before the configuration; absent without one. */
  acl?: AclPlanView;
  previousEffectiveConfig: string;
  effectiveConfig: string;
}

/** The ops request would end Failed: with the reason and message it would carry. */
export interface PlanFailure {
  kind: 'ReconfigurePlan';
  opsRequest: string;
  outcome: 'Failed';
  reason: string;
  message: string;
}

const isLive = (path: ApplyPath): boolean => path === 'live' || path === 'live-with-pending';

/** What happens to each pod, in order: CONFIG SET (the first is the canary) or a restart, failover first for a primary. */
export function podActions(input: {
  path: ApplyPath;
  mode: RedisMode;
  order: readonly string[];
  roles: readonly ObservedRole[];
  strategy: RestartStrategy;
}): PlanPod[] {
  const { path, mode, order, roles, strategy } = input;
  if (path === 'none') return [];
  return order.map((pod, i) => {
    const { role, shard } = roleOf(pod, mode, roles);
    return { pod, role, ...shard, action: actionOf(pod, role, i === 0, input, [...roles], strategy) };
  });
}

function roleOf(
  pod: string,
  mode: RedisMode,
  roles: readonly ObservedRole[],
): { role: PlanPod['role']; shard: { shard?: number } } {
  const observed = roles.find((r) => r.pod === pod);
  const role: PlanPod['role'] =
    mode === 'Standalone'
      ? 'standalone'
      : observed === undefined
        ? 'unobserved'
        : observed.role === 'master'
          ? 'primary'
          : 'replica';
  return { role, shard: observed?.shard !== undefined ? { shard: observed.shard } : {} };
}

/**
 * The ACL part of a plan (configuration.auth, docs/adr/0012-acl-reconfigure.md): which users change, by name only —
 * never a rule (a rule may hold a literal password), a hash or a secret's value — where they are persisted, and the
 * pods in the order the step changes them live.
 */
export interface AclPlanView {
  added: string[];
  updated: string[];
  deleted: string[];
  kept: string[];
  /** The operator's ACL secret and key, and the Redis's ACL field with the secretRef it will name. */
  persistedIn: string;
  /** Every pod, the canary first; empty when no user changes (a secretRef-only request). */
  pods: PlanPod[];
}

/** The ACL pods in the step's order (replicas first, the first is the canary), each ACL SETUSER / DELUSER. */
export function aclPodActions(input: {
  mode: RedisMode;
  order: readonly string[];
  roles: readonly ObservedRole[];
}): PlanPod[] {
  return input.order.map((pod, i) => {
    const { role, shard } = roleOf(pod, input.mode, input.roles);
    const action =
      i === 0
        ? 'ACL SETUSER / DELUSER, ACL GETUSER verify (canary: the users are persisted only after it takes them)'
        : 'ACL SETUSER / DELUSER, ACL GETUSER verify, compared with the canary';
    return { pod, role, ...shard, action };
  });
}

function actionOf(
  pod: string,
  role: PlanPod['role'],
  first: boolean,
  { path, mode }: { path: ApplyPath; mode: RedisMode },
  roles: ObservedRole[],
  strategy: RestartStrategy,
): string {
  if (isLive(path))
    return first
      ? 'CONFIG SET, CONFIG GET verify (canary: the config is persisted only after it takes the values)'
      : 'CONFIG SET, CONFIG GET verify';
  if (role === 'standalone') return 'evict, wait Ready with the new values (the only pod: down while it restarts)';
  if (role === 'unobserved') return 'evict, wait Ready with the new values (not Ready now: restarted last)';
  if (role === 'replica') return 'evict, wait Ready with the new values and in sync';
  if (strategy === 'kubedb') return 'evict without a failover (restart-strategy kubedb), wait Ready';
  const candidate = failoverCandidate(pod, roles);
  if (candidate === undefined) return 'evict without a failover (no replica attached), wait Ready';
  const failover =
    mode === 'Cluster' ? `CLUSTER FAILOVER to ${candidate}` : 'SENTINEL FAILOVER (a replica the sentinels choose)';
  return `${failover}, then evict, wait Ready as a replica with the new values`;
}

export function buildPlanReport(input: {
  opsRequest: string;
  database: string;
  mode: RedisMode;
  engineVersion: string | undefined;
  restart: 'auto' | 'true' | 'false' | undefined;
  plan: ReconfigurePlan;
  /** The path the step would take (the plan's, unless the live change could not be put back: see plan-run.ts). */
  path: ApplyPath;
  pods: PlanPod[];
  notes: string[];
  acl?: AclPlanView;
}): PlanReport {
  const { plan, path, pods } = input;
  const restart = input.restart ?? 'auto';
  const pending = plan.live.pending.length > 0 && path === 'live-with-pending';
  return {
    kind: 'ReconfigurePlan',
    opsRequest: input.opsRequest,
    database: input.database,
    mode: input.mode,
    line: plan.live.line,
    ...(input.engineVersion !== undefined ? { engineVersion: input.engineVersion } : {}),
    restart,
    path,
    why: path === plan.live.path ? pathReason(plan, restart) : (input.notes[0] ?? ''),
    summary: planSummaryLine(
      plan,
      restart,
      pods.map((p) => p.pod),
    ),
    changes: directiveChanges(plan),
    pods,
    pending: { directives: pending ? plan.live.pending : [], pods: pending ? pods.map((p) => p.pod) : [] },
    notes: input.notes,
    ...(input.acl !== undefined ? { acl: input.acl } : {}),
    previousEffectiveConfig: plan.previousEffectiveConfig,
    effectiveConfig: plan.effectiveConfig,
  };
}

/**
 * A request that changes only ACL users: nothing in the configuration changes and no pod restarts. `summary` is the
 * step's own words (its RestartSkipped condition); `effectiveConfig` the configuration the pods keep.
 */
export function buildAclOnlyReport(input: {
  opsRequest: string;
  database: string;
  mode: RedisMode;
  line: string;
  engineVersion: string | undefined;
  summary: string;
  effectiveConfig: string;
  notes: string[];
  acl: AclPlanView;
}): PlanReport {
  return {
    kind: 'ReconfigurePlan',
    opsRequest: input.opsRequest,
    database: input.database,
    mode: input.mode,
    line: input.line,
    ...(input.engineVersion !== undefined ? { engineVersion: input.engineVersion } : {}),
    restart: 'auto',
    path: 'none',
    why: 'the request changes no configuration (ACL users only)',
    summary: input.summary,
    changes: [],
    pods: [],
    pending: { directives: [], pods: [] },
    notes: input.notes,
    acl: input.acl,
    previousEffectiveConfig: input.effectiveConfig,
    effectiveConfig: input.effectiveConfig,
  };
}

const PATH_WORDS: Record<ApplyPath, string> = {
  live: 'live (CONFIG SET on every pod, no restart)',
  'live-with-pending': 'live with pending restart (CONFIG SET what can be, the rest persisted and pending)',
  rolling: 'rolling restart (one pod at a time, replicas first)',
  none: 'nothing to apply',
};

const unsetWords = (c: DirectiveChange): string =>
  c.builtIn === undefined ? '<default>' : `<default: ${c.builtIn === '' ? '""' : c.builtIn}>`;

const mutabilityWords = (c: DirectiveChange): string =>
  c.mutability === 'mutable' ? 'mutable (CONFIG SET)' : `restart-only (${c.reason ?? ''})`;

/** The kubectl-style text: header, summary line, the diff with mutability, the path, the pods, what is pending. */
export function renderPlan(r: PlanReport): string[] {
  const engine = r.engineVersion === undefined ? r.line : `${r.line}, engine ${r.engineVersion}`;
  const out = [`Plan for RedisOpsRequest ${r.opsRequest} on Redis ${r.database} (${r.mode}, judged as ${engine})`];
  for (const note of r.notes) out.push(`Note: ${note}`);
  if (r.acl !== undefined) out.push('', ...renderAcl(r.acl));
  out.push('', 'Configuration change (effective config):');
  if (r.changes.length === 0) out.push('  none: the effective configuration does not change');
  else
    out.push(
      ...table(
        ['DIRECTIVE', 'BEFORE', 'AFTER', 'ON ' + r.line.toUpperCase()],
        r.changes.map((c) => [
          c.key === c.directive ? c.directive : c.key,
          c.before ?? unsetWords(c),
          c.after ?? unsetWords(c),
          mutabilityWords(c),
        ]),
      ),
    );
  out.push('', `Path: ${PATH_WORDS[r.path]}: ${r.why}`);
  if (r.pods.length > 0) {
    out.push('', 'Pods, in order:', ...podTable(r.pods));
  }
  out.push(
    '',
    r.pending.directives.length === 0
      ? 'Pending restart: none'
      : `Pending restart: ${r.pending.directives.join(', ')} persisted, not in effect on ${r.pending.pods.join(', ')} until each pod's next restart (RestartPending on the ops request and the Redis)`,
  );
  out.push('', r.summary, 'Nothing was changed (plan only).');
  return out;
}

const podTable = (pods: readonly PlanPod[]): string[] =>
  table(
    ['#', 'POD', 'ROLE', 'SHARD', 'ACTION'],
    pods.map((p, i) => [String(i + 1), p.pod, p.role, p.shard === undefined ? '-' : String(p.shard), p.action]),
  );

function renderAcl(acl: AclPlanView): string[] {
  const users = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(', '));
  const out = [
    'ACL change (configuration.auth), live before any configuration change, no restart:',
    `  added: ${users(acl.added)}; updated: ${users(acl.updated)}; deleted: ${users(acl.deleted)}; kept: ${users(acl.kept)}`,
    `  persisted in ${acl.persistedIn}`,
  ];
  if (acl.pods.length === 0) out.push('  no user changes on the pods (only the secretRef changes)');
  else out.push('', 'ACL pods, in order:', ...podTable(acl.pods));
  return out;
}

/** The failure as the ops request would carry it (its Failed condition's reason and message). */
export const renderFailure = (f: PlanFailure): string => `the ops request would end Failed (${f.reason}): ${f.message}`;
