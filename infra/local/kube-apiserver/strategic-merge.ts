/**
 * Strategic merge patch for the built-in kinds served here (k8s.io/apimachinery/pkg/util/strategicpatch): lists with a
 * `patchMergeKey` are merged element-wise, `$patch: delete|replace`, `$retainKeys`, `$deleteFromPrimitiveList/` and
 * `$setElementOrder/` directives are honoured (the last one only dropped: element order is not re-sorted).
 */
import { isObject } from './json-patch.ts';

type JsonObject = Record<string, unknown>;

/** A field's patchMergeKey, or a rule for the fields whose key depends on the kind or the path. */
type MergeKeyRule = string | ((kind: string, path: string[]) => string | undefined);

/** patchMergeKey by field name, from the Go struct tags of core/v1 (path-dependent for `ports`). */
const MERGE_KEYS = new Map<string, MergeKeyRule>([
  ...[
    'containers',
    'initContainers',
    'ephemeralContainers',
    'env',
    'volumes',
    'imagePullSecrets',
    'resourceClaims',
    'containerStatuses',
    'initContainerStatuses',
  ].map((field): [string, MergeKeyRule] => [field, 'name']),
  ['secrets', (kind) => (kind === 'ServiceAccount' ? 'name' : undefined)],
  ['volumeMounts', 'mountPath'],
  ['volumeDevices', 'devicePath'],
  ['conditions', 'type'],
  ['ownerReferences', 'uid'],
  ['hostAliases', 'ip'],
  ['podIPs', 'ip'],
  ['hostIPs', 'ip'],
  ['topologySpreadConstraints', 'topologyKey'],
  ['finalizers', (_kind, path) => (path.length === 1 && path[0] === 'metadata' ? 'primitive' : undefined)],
  ['ports', (kind, path) => (kind === 'Service' && path.join('.') === 'spec' ? 'port' : 'containerPort')],
]);

export function mergeKeyFor(kind: string, path: string[], field: string): string | undefined {
  const rule = MERGE_KEYS.get(field);
  return typeof rule === 'function' ? rule(kind, path) : rule;
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

const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/** Directives that only steer the merge of their own object (handled around the field loop, or not at all). */
function isObjectDirective(k: string): boolean {
  return k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/');
}

/** `$deleteFromPrimitiveList/<field>: [...]` removes those values from the primitive list `<field>`. */
function deleteFromPrimitiveList(out: JsonObject, field: string, values: unknown): void {
  const cur = out[field];
  if (Array.isArray(cur) && Array.isArray(values)) out[field] = cur.filter((x) => !values.includes(x));
}

/** `$retainKeys: [...]` drops every field of the merged object that is not listed. */
function retainKeys(out: JsonObject, keys: unknown): void {
  if (!Array.isArray(keys)) return;
  const keep = new Set(keys as string[]);
  for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
}

/** Merges one entry of the patch object into `out` (a field, or a `$deleteFromPrimitiveList/` directive). */
function mergeEntry(kind: string, path: string[], out: JsonObject, k: string, v: unknown): void {
  if (isObjectDirective(k)) return;
  if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
    deleteFromPrimitiveList(out, k.slice(DELETE_FROM_PRIMITIVE_LIST.length), v);
    return;
  }
  const merged = mergeField(kind, path, k, out[k], v);
  if (merged === undefined) delete out[k];
  else out[k] = merged;
}

export function strategicMerge(kind: string, original: unknown, patch: unknown, path: string[] = []): unknown {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const out: JsonObject = isObject(original) ? { ...original } : {};
  for (const [k, v] of Object.entries(patch)) mergeEntry(kind, path, out, k, v);
  retainKeys(out, patch.$retainKeys);
  return out;
}
