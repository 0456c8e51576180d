/**
 * The RBAC authorizer (k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac), over the Role/ClusterRole/RoleBinding/
 * ClusterRoleBinding objects in the store:
 * - a ClusterRoleBinding grants its ClusterRole's rules everywhere (all namespaces, cluster-scoped resources and
 *   non-resource URLs); a RoleBinding grants its Role's or ClusterRole's resource rules in its own namespace only;
 * - ServiceAccount subjects match the user `system:serviceaccount:<ns>:<name>`; the `system:masters` group is always
 *   allowed (the real server short-circuits it before RBAC); every authenticated user gets discovery/health/version
 *   (the bootstrap `system:discovery` and `system:public-info-viewer` roles);
 * - aggregated ClusterRoles (aggregationRule) get the rules of the ClusterRoles their selectors match, as the
 *   clusterrole-aggregation controller would write them.
 * Requests are authorized on every call, so the bindings are indexed by subject and each user's resolved rules are
 * cached; any change to an RBAC object drops the index, which is rebuilt on the next request.
 */
import type { Authorizer, RequestAttributes, UserInfo } from './auth.ts';
import { DISCOVERY_RULES, type PolicyRule, RBAC_GROUP, type RoleRef, type Subject, ruleAllows } from './rbac-rules.ts';
import { parseLabelSelector } from './selectors.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject } from './types.ts';

export const MASTERS_GROUP = 'system:masters';
const STORAGE = {
  roles: `${RBAC_GROUP}/roles`,
  clusterRoles: `${RBAC_GROUP}/clusterroles`,
  roleBindings: `${RBAC_GROUP}/rolebindings`,
  clusterRoleBindings: `${RBAC_GROUP}/clusterrolebindings`,
};
const RBAC_KEYS = new Set(Object.values(STORAGE));
const USER_CACHE_LIMIT = 10_000;

interface Grant {
  /** '' = cluster-wide (ClusterRoleBinding) */
  namespace: string;
  rules: PolicyRule[];
}

interface UserRules {
  cluster: PolicyRule[];
  byNamespace: Map<string, PolicyRule[]>;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** metav1.LabelSelector → the string grammar selectors.ts parses. */
function selectorString(s: LabelSelector): string {
  const terms = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === 'In') terms.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return terms.join(',');
}

function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  if (!s.name) return undefined;
  if (s.kind === 'ServiceAccount') return `u:system:serviceaccount:${s.namespace || bindingNamespace}:${s.name}`;
  if (s.kind === 'User') return `u:${s.name}`;
  if (s.kind === 'Group') return `g:${s.name}`;
  return undefined;
}

export class RbacAuthorizer {
  private readonly store: ObjectStore;
  private index: Map<string, Grant[]> | undefined;
  private readonly userRules = new Map<string, UserRules>();
  /** Authenticators return the same UserInfo object per token, so most lookups skip building the string key. */
  private byIdentity = new WeakMap<UserInfo, UserRules>();

  constructor(store: ObjectStore) {
    this.store = store;
    store.onEvent((ev) => {
      if (RBAC_KEYS.has(ev.storageKey)) this.invalidate();
    });
  }

  readonly authorize: Authorizer = (attrs) => ({ allowed: this.allows(attrs) });

  allows(attrs: RequestAttributes): boolean {
    const { user } = attrs;
    if (user.groups.includes(MASTERS_GROUP)) return true;
    const rules = this.rulesFor(user);
    for (const r of rules.cluster) if (ruleAllows(r, attrs)) return true;
    // Rules from RoleBindings apply only to resource requests in the binding's namespace.
    if (!attrs.resourceRequest || !attrs.namespace) return false;
    for (const r of rules.byNamespace.get(attrs.namespace) ?? []) if (ruleAllows(r, attrs)) return true;
    return false;
  }

  private invalidate(): void {
    this.index = undefined;
    this.userRules.clear();
    this.byIdentity = new WeakMap();
  }

  private rulesFor(user: UserInfo): UserRules {
    let rules = this.byIdentity.get(user);
    if (!rules) {
      rules = this.resolve(user);
      this.byIdentity.set(user, rules);
    }
    return rules;
  }

  private resolve(user: UserInfo): UserRules {
    const cacheKey = `${user.username}\n${user.groups.join('\n')}`;
    const cached = this.userRules.get(cacheKey);
    if (cached) return cached;
    const index = (this.index ??= this.build());
    const out: UserRules = { cluster: [], byNamespace: new Map() };
    const keys = [`u:${user.username}`, ...user.groups.map((g) => `g:${g}`)];
    for (const k of keys) {
      for (const g of index.get(k) ?? []) {
        if (g.namespace === '') out.cluster.push(...g.rules);
        else {
          const list = out.byNamespace.get(g.namespace) ?? [];
          list.push(...g.rules);
          out.byNamespace.set(g.namespace, list);
        }
      }
    }
    if (this.userRules.size >= USER_CACHE_LIMIT) this.userRules.clear();
    this.userRules.set(cacheKey, out);
    return out;
  }

  private clusterRoleRules(): Map<string, PolicyRule[]> {
    const roles = this.store.list(STORAGE.clusterRoles);
    const out = new Map<string, PolicyRule[]>();
    for (const r of roles) out.set(r.metadata.name!, (r.rules as PolicyRule[] | undefined) ?? []);
    for (const r of roles) {
      const selectors = (
        (r.aggregationRule as { clusterRoleSelectors?: LabelSelector[] } | undefined)?.clusterRoleSelectors ?? []
      ).map((s) => parseLabelSelector(selectorString(s)));
      if (selectors.length === 0) continue;
      const aggregated = [...(out.get(r.metadata.name!) ?? [])];
      for (const other of roles) {
        if (other === r || other.aggregationRule) continue;
        if (selectors.some((m) => m === undefined || m(other)))
          aggregated.push(...((other.rules as PolicyRule[] | undefined) ?? []));
      }
      out.set(r.metadata.name!, aggregated);
    }
    return out;
  }

  private build(): Map<string, Grant[]> {
    const clusterRoles = this.clusterRoleRules();
    const roles = new Map<string, PolicyRule[]>();
    for (const r of this.store.list(STORAGE.roles))
      roles.set(`${r.metadata.namespace}/${r.metadata.name}`, (r.rules as PolicyRule[] | undefined) ?? []);
    const index = new Map<string, Grant[]>([['g:system:authenticated', [{ namespace: '', rules: DISCOVERY_RULES }]]]);
    const add = (binding: KubeObject, namespace: string, rules: PolicyRule[] | undefined): void => {
      if (!rules || rules.length === 0) return; // a binding to a missing role grants nothing (until the role exists)
      for (const s of (binding.subjects as Subject[] | undefined) ?? []) {
        const key = subjectKey(s, namespace);
        if (!key) continue;
        const list = index.get(key) ?? [];
        list.push({ namespace, rules });
        index.set(key, list);
      }
    };
    for (const b of this.store.list(STORAGE.clusterRoleBindings)) {
      const ref = (b.roleRef ?? {}) as RoleRef;
      if (ref.kind === 'ClusterRole') add(b, '', clusterRoles.get(ref.name ?? ''));
    }
    for (const b of this.store.list(STORAGE.roleBindings)) {
      const ref = (b.roleRef ?? {}) as RoleRef;
      const ns = b.metadata.namespace ?? '';
      const rules =
        ref.kind === 'Role'
          ? roles.get(`${ns}/${ref.name}`)
          : ref.kind === 'ClusterRole'
            ? clusterRoles.get(ref.name ?? '')
            : undefined;
      add(b, ns, rules);
    }
    return index;
  }
}
