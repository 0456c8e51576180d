/**
 * metadata.managedFields as the real server's field manager records them (k8s.io/apiserver
 * pkg/endpoints/handlers/fieldmanager, sigs.k8s.io/structured-merge-diff): every create/update/patch adds or updates
 * the writer's entry {manager, operation, apiVersion, time, fieldsType: FieldsV1, fieldsV1, subresource}. The manager
 * is the `fieldManager` query parameter, else the User-Agent up to its first `/` (managerOrUserAgent). A create owns
 * every field the request set; an update owns the fields whose value it changed or added, which leave every other
 * manager's set; removed fields leave every set; entries left empty are dropped. Writes to a kind with a status
 * subresource own only non-status fields on the main resource and only status through /status (ResetFieldsStrategy).
 * FieldsV1 paths: `f:<field>`, `.` for a map that is itself set, `k:{...}` for an element of a list with a merge key
 * (built-in kinds), `v:<value>` for a set-like list of scalars (finalizers); other lists are atomic.
 */
import type { IncomingMessage } from 'node:http';
import { canonicalJson } from './canonical-json.ts';
import { isObject } from './json-patch.ts';
import { nowIso } from './object-rules.ts';
import { mergeKeyFor } from './strategic-merge.ts';
import type { KubeObject, ResourceType } from './types.ts';

type FieldsV1 = { [path: string]: FieldsV1 };

export interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: FieldsV1;
  subresource?: string;
}

interface FieldWrite {
  manager: string;
  /** 'Apply' writes already carry their entry (server-side-apply.ts): only other managers' sets are adjusted. */
  operation: 'Update' | 'Apply';
  apiVersion: string;
  subresource: string | undefined;
}

/** FieldManagerMaxLength: the manager name derived from a User-Agent is cut to 128 characters. */
const MAX_MANAGER = 128;

export function managerOf(req: IncomingMessage, q: URLSearchParams): string {
  const explicit = q.get('fieldManager');
  if (explicit) return explicit;
  const agent = (req.headers['user-agent'] ?? '').split('/')[0] ?? '';
  return agent.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_MANAGER);
}

const IDENTITY = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
]);

/** Map-typed fields of the built-in kinds (map[string]string in Go): a set map also owns itself (`.`). */
const BUILTIN_MAPS = new Set(['labels', 'annotations', 'data', 'binaryData', 'nodeSelector', 'matchLabels']);

interface Walk {
  kind: string;
  isCustom: boolean;
}

const SEP = '\u0000';

/** Whether an object at `path` is a map (owns `.`): CR objects except metadata, built-in known maps. */
function isMap(w: Walk, path: string[]): boolean {
  if (path.length === 0) return false;
  const inMetadata = path[0] === 'metadata';
  if (w.isCustom && !inMetadata) return true;
  const last = path[path.length - 1]!;
  if (BUILTIN_MAPS.has(last)) return true;
  if (last === 'limits' || last === 'requests') return path[path.length - 2] === 'resources';
  return w.kind === 'Service' && path.join('.') === 'spec.selector';
}

function elementKey(w: Walk, path: string[], field: string, item: unknown): string | undefined {
  if (w.isCustom && path[0] !== 'metadata') return undefined;
  const key = mergeKeyFor(w.kind, path, field);
  if (key === 'primitive') return `v:${JSON.stringify(item)}`;
  if (!key || !isObject(item) || item[key] === undefined) return undefined;
  if (field === 'ports' && item.protocol !== undefined)
    return `k:${JSON.stringify({ [key]: item[key], protocol: item.protocol })}`;
  return `k:${JSON.stringify({ [key]: item[key] })}`;
}

/** Leaf paths of the fields set in `v` at `path`, each with its value's canonical JSON. */
function collect(w: Walk, v: unknown, path: string[], prefix: string, out: Map<string, string>): void {
  if (Array.isArray(v)) {
    const field = path[path.length - 1] ?? '';
    const keys = v.map((item) => elementKey(w, path.slice(0, -1), field, item));
    if (v.length === 0 || keys.some((k) => k === undefined)) {
      out.set(prefix, canonicalJson(v));
      return;
    }
    v.forEach((item, i) => {
      const at = `${prefix}${SEP}${keys[i]!}`;
      if (keys[i]!.startsWith('v:')) out.set(at, '');
      else {
        out.set(`${at}${SEP}.`, '');
        collect(w, item, path, at, out);
      }
    });
    return;
  }
  if (!isObject(v) || Object.keys(v).length === 0) {
    out.set(prefix, canonicalJson(v));
    return;
  }
  if (isMap(w, path)) out.set(`${prefix}${SEP}.`, '');
  for (const [k, x] of Object.entries(v)) {
    if (path.length === 0 && (k === 'apiVersion' || k === 'kind')) continue;
    if (path.length === 1 && path[0] === 'metadata' && IDENTITY.has(k)) continue;
    collect(w, x, [...path, k], `${prefix}${SEP}f:${k}`, out);
  }
}

/** The fields a write may own: status only through /status on kinds with a status subresource, else no status. */
function ownableFields(t: ResourceType, obj: KubeObject, subresource: string | undefined): Map<string, string> {
  const w: Walk = { kind: t.kind, isCustom: t.isCustom };
  const out = new Map<string, string>();
  const { status, ...rest } = obj;
  if (t.statusSubresource && subresource === 'status') {
    if (status !== undefined) collect(w, status, ['status'], `${SEP}f:status`, out);
  } else collect(w, t.statusSubresource ? rest : obj, [], '', out);
  return out;
}

function leavesOf(set: FieldsV1 | undefined, prefix = '', out = new Set<string>()): Set<string> {
  for (const [k, sub] of Object.entries(set ?? {})) {
    const at = `${prefix}${SEP}${k}`;
    if (Object.keys(sub).length === 0) out.add(at);
    else leavesOf(sub, at, out);
  }
  return out;
}

function toFieldsV1(leaves: Iterable<string>): FieldsV1 {
  const root: FieldsV1 = {};
  for (const leaf of leaves) {
    let node = root;
    for (const part of leaf.split(SEP).slice(1)) node = node[part] ??= {};
  }
  return root;
}

/** sortEncodedManagedFields: operation, then time, manager, apiVersion, subresource. */
function sortEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const cmp = (a = '', b = '') => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      cmp(p.time, q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
}

const sameIdentity = (e: ManagedFieldsEntry, w: FieldWrite) =>
  e.manager === w.manager &&
  e.operation === w.operation &&
  (e.subresource ?? '') === (w.subresource ?? '') &&
  (w.operation === 'Apply' || e.apiVersion === w.apiVersion);

/**
 * The managedFields after a write of `next` over `existing` (undefined on create). `entries` are the entries to start
 * from: the stored ones for an Update, the ones server-side apply computed for an Apply.
 */
export function managedFieldsAfter(
  t: ResourceType,
  existing: KubeObject | undefined,
  next: KubeObject,
  entries: ManagedFieldsEntry[],
  w: FieldWrite,
): ManagedFieldsEntry[] {
  const before = existing ? ownableFields(t, existing, w.subresource) : new Map<string, string>();
  const after = ownableFields(t, next, w.subresource);
  const changed = [...after].filter(([path, value]) => before.get(path) !== value).map(([path]) => path);
  const removed = [...before.keys()].filter((path) => !after.has(path));
  const lost = new Set([...changed, ...removed]);
  const out: ManagedFieldsEntry[] = [];
  let own: Set<string> | undefined;
  for (const e of entries) {
    if (sameIdentity(e, w)) {
      own = leavesOf(e.fieldsV1);
      if (w.operation === 'Apply') out.push(e);
      continue;
    }
    const leaves = [...leavesOf(e.fieldsV1)].filter((l) => !lost.has(l));
    if (leaves.length > 0) out.push({ ...e, fieldsV1: toFieldsV1(leaves) });
  }
  if (w.operation === 'Update') {
    const mine = new Set([...(own ?? [])].filter((l) => !removed.includes(l)));
    for (const path of changed) mine.add(path);
    if (mine.size > 0)
      out.push({
        manager: w.manager,
        operation: 'Update',
        apiVersion: w.apiVersion,
        time: nowIso(),
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(mine),
        ...(w.subresource ? { subresource: w.subresource } : {}),
      });
  }
  return sortEntries(out);
}
