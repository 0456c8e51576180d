/** Per-kind rules the real server's registry strategies apply on create/update (defaults, derived fields, checks). */
import { randomInt } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { podCreateAdmission, podSchemeDefaults, qosClass } from './pod-defaults.ts';
import type { KubeObject, ResourceType, ValidationCause } from './types.ts';

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const LABEL_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The alphabet of k8s.io/apiserver's names.SimpleNameGenerator (no vowels, no confusable characters). */
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateName(prefix: string): string {
  let s = prefix;
  for (let i = 0; i < 5; i++) s += GENERATE_ALPHABET[randomInt(GENERATE_ALPHABET.length)];
  return s;
}

/** metav1.Time as the server serialises it: RFC 3339 with second precision. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

export function nowIso(): string {
  return rfc3339(new Date());
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const PATH_SEGMENT_OK = (name: string): boolean => name !== '.' && name !== '..' && !/[/%]/.test(name);

export function validateName(t: ResourceType, name: string | undefined): ValidationCause[] {
  if (!name)
    return [
      {
        field: 'metadata.name',
        message: 'Required value: name or generateName is required',
        reason: 'FieldValueRequired',
      },
    ];
  // RBAC objects only need to be valid path segments (names like `system:controller:x` are common).
  if (RBAC_KINDS.has(t.kind))
    return PATH_SEGMENT_OK(name)
      ? []
      : [
          {
            field: 'metadata.name',
            message: `Invalid value: "${name}": may not be '.' or '..' and may not contain '/' or '%'`,
            reason: 'FieldValueInvalid',
          },
        ];
  // Namespaces, services and pods' hostnames are DNS labels; the rest DNS subdomains.
  const label = t.kind === 'Namespace' || t.kind === 'Service';
  const ok = label ? LABEL_NAME_RE.test(name) && name.length <= 63 : NAME_RE.test(name) && name.length <= 253;
  if (ok) return [];
  const what = label ? 'RFC 1123 label' : 'RFC 1123 subdomain';
  return [
    {
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase ${what} must consist of lower case alphanumeric characters, '-'${label ? '' : " or '.'"}, and must start and end with an alphanumeric character`,
      reason: 'FieldValueInvalid',
    },
  ];
}

type Obj = Record<string, unknown>;

function secretRules(obj: KubeObject): ValidationCause[] {
  // stringData is a write-only convenience: the server merges it into base64 `data` and never stores it.
  const stringData = obj.stringData as Record<string, string> | undefined;
  if (stringData) {
    const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    obj.data = data;
    delete obj.stringData;
  }
  obj.type ??= 'Opaque';
  const causes: ValidationCause[] = [];
  for (const [k, v] of Object.entries((obj.data as Obj | undefined) ?? {})) {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
      causes.push({ field: `data[${k}]`, message: 'Invalid value: illegal base64 data', reason: 'FieldValueInvalid' });
    }
  }
  return causes;
}

function podRules(obj: KubeObject, isCreate: boolean, ctx: KindRuleContext): ValidationCause[] {
  const spec = (obj.spec ?? {}) as Obj;
  obj.spec = spec;
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    return [{ field: 'spec.containers', message: 'Required value', reason: 'FieldValueRequired' }];
  }
  podSchemeDefaults(spec);
  if (isCreate) {
    const account = typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : '';
    podCreateAdmission(spec, ctx.serviceAccount(obj.metadata.namespace ?? '', account));
    // A new pod always starts Pending: the kubelet owns status (registry/core/pod strategy PrepareForCreate).
    obj.status = { phase: 'Pending', qosClass: qosClass(spec) };
  }
  return containers.flatMap((c: Obj, i) =>
    typeof c.name === 'string' && c.name
      ? []
      : [{ field: `spec.containers[${i}].name`, message: 'Required value', reason: 'FieldValueRequired' }],
  );
}

let nextClusterIp = 1;

function serviceRules(obj: KubeObject): ValidationCause[] {
  const spec = (obj.spec ?? {}) as Obj;
  obj.spec = spec;
  spec.type ??= 'ClusterIP';
  if (spec.clusterIP === undefined) {
    const n = nextClusterIp++;
    spec.clusterIP = `10.96.${(n >> 8) & 255}.${n & 255}`;
  }
  if (spec.clusterIP !== 'None') spec.clusterIPs ??= [spec.clusterIP];
  spec.sessionAffinity ??= 'None';
  for (const p of (spec.ports as Obj[] | undefined) ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  return [];
}

/** What kind rules may read from the store (admission plugins look up other objects). */
export interface KindRuleContext {
  /** The ServiceAccount `name` ('' = `default`) in `namespace`, when it exists. */
  serviceAccount(namespace: string, name: string): KubeObject | undefined;
}

const NO_CONTEXT: KindRuleContext = { serviceAccount: () => undefined };

/** Applies defaults/derived fields in place and returns validation causes. */
export function applyKindRules(
  t: ResourceType,
  obj: KubeObject,
  isCreate: boolean,
  ctx: KindRuleContext = NO_CONTEXT,
): ValidationCause[] {
  if (t.isCustom || t.group !== '') return [];
  switch (t.kind) {
    case 'Secret':
      return secretRules(obj);
    case 'Pod':
      return podRules(obj, isCreate, ctx);
    case 'Service':
      return serviceRules(obj);
    case 'Namespace':
      obj.spec = { finalizers: ['kubernetes'], ...(obj.spec ?? {}) };
      if (isCreate) obj.status = { phase: 'Active' };
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name ?? '' };
      return [];
    default:
      return [];
  }
}

/** Go's %#v of a []string, as the real validation messages print it. */
const goStrings = (xs: string[]): string => `[]string{${xs.map((x) => JSON.stringify(x)).join(', ')}}`;

/**
 * ValidateObjectMetaUpdate: once deletion has started, finalizers may only be removed, never added (an added one
 * could hold the object forever after every controller has let go of it).
 */
export function metadataUpdateRules(existing: KubeObject, next: KubeObject): ValidationCause[] {
  if (!existing.metadata.deletionTimestamp) return [];
  const old = new Set(existing.metadata.finalizers ?? []);
  const added = [...new Set(next.metadata.finalizers ?? [])].filter((f) => !old.has(f)).sort();
  if (added.length === 0) return [];
  return [
    {
      field: 'metadata.finalizers',
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${goStrings(added)}`,
      reason: 'FieldValueForbidden',
    },
  ];
}

/** Everything except metadata and status: what `metadata.generation` tracks (key order does not count). */
export function specPart(obj: KubeObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return canonicalJson(rest);
}

/** Types whose deletion returns the deleted object (ReturnDeletedObject in their registry) instead of a Status. */
export function returnsDeletedObject(t: ResourceType): boolean {
  return !t.isCustom && (t.kind === 'Pod' || t.kind === 'Service' || t.kind === 'Namespace');
}
