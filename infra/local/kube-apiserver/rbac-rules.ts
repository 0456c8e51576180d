/**
 * RBAC policy-rule matching and object validation, following k8s.io/kubernetes/pkg/apis/rbac/v1 (evaluation_helpers)
 * and pkg/apis/rbac/validation.
 */
import type { RequestAttributes } from './auth.ts';
import type { KubeObject, ValidationCause } from './types.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

/**
 * What the real bootstrap roles `system:discovery` and `system:public-info-viewer` grant every authenticated user
 * (bound to the `system:authenticated` group): discovery, OpenAPI, health and version.
 */
export const DISCOVERY_RULES: PolicyRule[] = [
  {
    verbs: ['get'],
    nonResourceURLs: [
      '/api',
      '/api/*',
      '/apis',
      '/apis/*',
      '/healthz',
      '/livez',
      '/readyz',
      '/version',
      '/version/',
      '/openapi',
      '/openapi/*',
    ],
  },
];

function has(list: string[] | undefined, v: string): boolean {
  if (!list) return false;
  for (const x of list) if (x === v || x === '*') return true;
  return false;
}

/** `pods` does not cover `pods/eviction`; `*` covers everything; `*\/status` covers every status subresource. */
function resourceMatches(rule: string[] | undefined, resource: string, subresource: string): boolean {
  if (!rule) return false;
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule) {
    if (r === '*' || r === combined) return true;
    if (subresource && r.length > 2 && r.startsWith('*/') && r.slice(2) === subresource) return true;
  }
  return false;
}

function nonResourceURLMatches(rule: string[] | undefined, path: string): boolean {
  if (!rule) return false;
  for (const u of rule) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return nonResourceURLMatches(rule.nonResourceURLs, a.path);
  if (!has(rule.apiGroups, a.apiGroup) || !resourceMatches(rule.resources, a.resource, a.subresource)) return false;
  // A rule restricted by resourceNames never matches requests without a name (create, list, watch of a collection).
  return !rule.resourceNames || rule.resourceNames.length === 0 || rule.resourceNames.includes(a.name);
}

function nonResourceRuleCauses(r: PolicyRule, at: string, namespaced: boolean): ValidationCause[] {
  const causes: ValidationCause[] = [];
  if (namespaced)
    causes.push({
      field: `${at}.nonResourceURLs`,
      message: 'Invalid value: namespaced rules cannot apply to non-resource URLs',
      reason: 'FieldValueInvalid',
    });
  if (r.apiGroups?.length || r.resources?.length || r.resourceNames?.length) {
    causes.push({
      field: `${at}.nonResourceURLs`,
      message: 'Invalid value: rules cannot apply to both regular resources and non-resource URLs',
      reason: 'FieldValueInvalid',
    });
  }
  return causes;
}

function ruleCauses(r: PolicyRule, at: string, namespaced: boolean): ValidationCause[] {
  const causes: ValidationCause[] = [];
  if (!r.verbs?.length)
    causes.push({
      field: `${at}.verbs`,
      message: 'Required value: verbs must contain at least one value',
      reason: 'FieldValueRequired',
    });
  if (r.nonResourceURLs?.length) return [...causes, ...nonResourceRuleCauses(r, at, namespaced)];
  if (!r.apiGroups?.length)
    causes.push({
      field: `${at}.apiGroups`,
      message: 'Required value: resource rules must supply at least one api group',
      reason: 'FieldValueRequired',
    });
  if (!r.resources?.length)
    causes.push({
      field: `${at}.resources`,
      message: 'Required value: resource rules must supply at least one resource',
      reason: 'FieldValueRequired',
    });
  return causes;
}

function rulesCauses(rules: unknown, namespaced: boolean): ValidationCause[] {
  if (rules === undefined || rules === null) return [];
  if (!Array.isArray(rules))
    return [{ field: 'rules', message: 'Invalid value: must be a list', reason: 'FieldValueInvalid' }];
  return (rules as PolicyRule[]).flatMap((r, i) => ruleCauses(r, `rules[${i}]`, namespaced));
}

function bindingCauses(obj: KubeObject, clusterBinding: boolean): ValidationCause[] {
  const causes: ValidationCause[] = [];
  const ref = (obj.roleRef ?? {}) as RoleRef;
  if (ref.apiGroup !== RBAC_GROUP)
    causes.push({
      field: 'roleRef.apiGroup',
      message: `Unsupported value: "${ref.apiGroup ?? ''}": supported values: "${RBAC_GROUP}"`,
      reason: 'FieldValueNotSupported',
    });
  const kinds = clusterBinding ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(ref.kind ?? '')) {
    causes.push({
      field: 'roleRef.kind',
      message: `Unsupported value: "${ref.kind ?? ''}": supported values: ${kinds.map((k) => `"${k}"`).join(', ')}`,
      reason: 'FieldValueNotSupported',
    });
  }
  if (!ref.name) causes.push({ field: 'roleRef.name', message: 'Required value', reason: 'FieldValueRequired' });
  ((obj.subjects ?? []) as Subject[]).forEach((s, i) => {
    const at = `subjects[${i}]`;
    if (!s.name) causes.push({ field: `${at}.name`, message: 'Required value', reason: 'FieldValueRequired' });
    if (s.kind === 'ServiceAccount') {
      if (clusterBinding && !s.namespace)
        causes.push({ field: `${at}.namespace`, message: 'Required value', reason: 'FieldValueRequired' });
    } else if (s.kind !== 'User' && s.kind !== 'Group') {
      causes.push({
        field: `${at}.kind`,
        message: `Unsupported value: "${s.kind ?? ''}": supported values: "ServiceAccount", "User", "Group"`,
        reason: 'FieldValueNotSupported',
      });
    }
  });
  return causes;
}

/** Admission for the four RBAC kinds (plugged in as ResourceType.admit). */
export function validateRbacObject(kind: string, obj: KubeObject): ValidationCause[] {
  switch (kind) {
    case 'Role':
      return rulesCauses(obj.rules, true);
    case 'ClusterRole':
      return rulesCauses(obj.rules, false);
    case 'RoleBinding':
      return bindingCauses(obj, false);
    case 'ClusterRoleBinding':
      return bindingCauses(obj, true);
    default:
      return [];
  }
}
