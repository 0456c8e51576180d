/**
 * Strategic merge patch for the built-in kinds served here (k8s.io/apimachinery/pkg/util/strategicpatch): lists with a
 * `patchMergeKey` are merged element-wise, `$patch: delete|replace`, `$retainKeys`, `$deleteFromPrimitiveList/` and
 * `$setElementOrder/` directives are honoured (the last one only dropped: element order is not re-sorted).
 */
import { isObject } from './json-patch.ts';

type JsonObject = Record<string, unknown>;

/** patchMergeKey by field name, from the Go struct tags of core/v1 (path-dependent for `ports`). */
function mergeKeyFor(kind: string, path: string[], field: string): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'containerStatuses':
    case 'initContainerStatuses':
      return 'name';
    case 'secrets':
      return kind === 'ServiceAccount' ? 'name' : undefined;
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'hostAliases':
      return 'ip';
    case 'podIPs':
    case 'hostIPs':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'finalizers':
      return path.length === 1 && path[0] === 'metadata' ? 'primitive' : undefined;
    case 'ports':
      return kind === 'Service' && path.join('.') === 'spec' ? 'port' : 'containerPort';
    default:
      return undefined;
  }
}

/** A list item that is only a directive, or that deletes an element: neither is stored, even when there is nothing to delete. */
function isDirectiveItem(x: unknown): boolean {
  return isObject(x) && (x.$patch === 'delete' || (x.$patch !== undefined && Object.keys(x).length === 1));
}

const onlyDirectives = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every(isDirectiveItem);

/** Patch content stored as is (no live value to merge into): directives are dropped, never stored. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !isDirectiveItem(x)).map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$') || x === null || onlyDirectives(x)) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function mergeList(kind: string, path: string[], field: string, orig: unknown, patch: unknown[]): unknown {
  const key = mergeKeyFor(kind, path, field);
  if (patch.some((x) => isObject(x) && x.$patch === 'replace')) return stripDirectives(patch);
  if (!Array.isArray(orig) && onlyDirectives(patch)) return undefined; // nothing to store: the field stays absent
  if (!Array.isArray(orig) || key === undefined) return stripDirectives(patch);
  if (key === 'primitive') {
    const out: unknown[] = [...(orig as unknown[])];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return out;
  }
  const out: unknown[] = [...(orig as unknown[])];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const idx = out.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = strategicMerge(kind, out[idx], item, [...path, field]);
    else out.push(stripDirectives(item));
  }
  return out;
}

/** The merged value of one field, or undefined when the field must be absent (null, `$patch: delete`, nothing left). */
function mergeField(kind: string, path: string[], field: string, orig: unknown, v: unknown): unknown {
  if (v === null) return undefined;
  if (Array.isArray(v)) return mergeList(kind, path, field, orig, v);
  if (isObject(v)) return strategicMerge(kind, orig, v, [...path, field]);
  return v;
}

export function strategicMerge(kind: string, original: unknown, patch: unknown, path: string[] = []): unknown {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const out: JsonObject = isObject(original) ? { ...original } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.includes(x));
      continue;
    }
    const merged = mergeField(kind, path, k, out[k], v);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}
