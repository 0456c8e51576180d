/**
 * Server-side apply, simplified: the applied configuration is merged into the live object (strategic merge for
 * built-in kinds, recursive merge with atomic lists for custom resources), each Apply manager's field set is recorded
 * in `managedFields` (FieldsV1, lists atomic), fields a manager applied before but no longer applies are removed when
 * no other Apply manager owns them, and conflicts are detected only between Apply managers on leaf fields whose value
 * would change (the real server also counts Update managers). `force=true` takes ownership.
 */
import { sameJson } from './canonical-json.ts';
import { ApiError } from './errors.ts';
import { isObject } from './json-patch.ts';
import { nowIso } from './object-rules.ts';
import { strategicMerge } from './strategic-merge.ts';
import type { KubeObject } from './types.ts';

type FieldSet = Record<string, unknown>;
interface ManagedEntry {
  manager: string;
  operation: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
}

const IDENTITY = new Set([
  'name',
  'namespace',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'managedFields',
]);

function fieldSetOf(v: unknown, top = true): FieldSet {
  const out: FieldSet = {};
  if (!isObject(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    if (top && (k === 'apiVersion' || k === 'kind')) continue;
    out[`f:${k}`] = isObject(x) && Object.keys(x).length > 0 ? fieldSetOf(x, false) : {};
  }
  if (top && isObject(out['f:metadata'])) {
    const md = out['f:metadata'];
    for (const k of IDENTITY) delete md[`f:${k}`];
    if (Object.keys(md).length === 0) delete out['f:metadata'];
  }
  return out;
}

function leaves(set: FieldSet, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, sub] of Object.entries(set)) {
    const path = `${prefix}.${k.slice(2)}`;
    if (isObject(sub) && Object.keys(sub).length > 0) out.push(...leaves(sub, path));
    else out.push(path);
  }
  return out;
}

function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const p of path.split('.').slice(1)) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

function removePath(obj: unknown, path: string): void {
  const parts = path.split('.').slice(1);
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = isObject(cur) ? cur[p] : undefined;
  if (isObject(cur)) delete cur[parts[parts.length - 1]!];
}

function removeFromSet(set: FieldSet, path: string): void {
  const parts = path.split('.').slice(1);
  let cur: unknown = set;
  for (const p of parts.slice(0, -1)) cur = isObject(cur) ? cur[`f:${p}`] : undefined;
  if (isObject(cur)) delete cur[`f:${parts[parts.length - 1]!}`];
}

/** Recursive merge where lists are atomic (custom resources have no merge keys unless x-kubernetes-list-type: map). */
function mergeAtomicLists(base: unknown, applied: unknown): unknown {
  if (!isObject(applied) || !isObject(base)) return structuredClone(applied);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(applied)) out[k] = v === null ? null : mergeAtomicLists(out[k], v);
  return out;
}

interface ApplyRequest {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  isCustom: boolean;
  apiVersion: string;
}

interface Conflict {
  field: string;
  owner: string;
}

const isApplyBy = (manager: string) => (e: ManagedEntry) => e.manager === manager && e.operation === 'Apply';

/** Leaf fields owned by another Apply manager whose value this apply would change. */
function findConflicts(
  others: ManagedEntry[],
  newLeaves: string[],
  live: KubeObject | undefined,
  applied: KubeObject,
): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const other of others) {
    for (const leaf of leaves(other.fieldsV1 ?? {})) {
      if (newLeaves.includes(leaf) && !sameJson(at(live, leaf), at(applied, leaf)))
        conflicts.push({ field: leaf, owner: other.manager });
    }
  }
  return conflicts;
}

function conflictError(conflicts: Conflict[], applied: KubeObject): ApiError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with "${c.owner}"`,
    field: c.field,
  }));
  const list = conflicts.map((c) => `conflict with "${c.owner}": ${c.field}`).join('\n- ');
  return new ApiError(
    409,
    'Conflict',
    `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${list}`,
    {
      ...(applied.metadata.name ? { name: applied.metadata.name } : {}),
      causes,
    },
  );
}

/** `force=true`: each conflicting field leaves its previous owner's field set. */
function takeOwnership(others: ManagedEntry[], conflicts: Conflict[]): void {
  for (const c of conflicts) {
    const owner = others.find((o) => o.manager === c.owner);
    if (owner?.fieldsV1) removeFromSet(owner.fieldsV1, c.field);
  }
}

/** Fields the manager applied before but no longer applies are removed, unless another Apply manager owns them. */
function removeDroppedFields(
  base: KubeObject,
  previous: FieldSet | undefined,
  newLeaves: string[],
  others: ManagedEntry[],
): void {
  const ownedByOthers = new Set(others.flatMap((o) => leaves(o.fieldsV1 ?? {})));
  for (const leaf of leaves(previous ?? {})) {
    if (!newLeaves.includes(leaf) && !ownedByOthers.has(leaf)) removePath(base, leaf);
  }
}

function applyEntry(manager: string, apiVersion: string, fieldsV1: FieldSet): ManagedEntry {
  return {
    manager,
    operation: 'Apply',
    apiVersion,
    time: nowIso(),
    fieldsType: 'FieldsV1',
    fieldsV1,
  };
}

export function serverSideApply(req: ApplyRequest): KubeObject {
  const { live, applied, manager } = req;
  const entries = ((live?.metadata.managedFields ?? []) as ManagedEntry[]).map((e) => structuredClone(e));
  const newSet = fieldSetOf(applied);
  const newLeaves = leaves(newSet);
  const others = entries.filter((e) => e.manager !== manager && e.operation === 'Apply');
  const conflicts = findConflicts(others, newLeaves, live, applied);
  if (conflicts.length > 0 && !req.force) throw conflictError(conflicts, applied);
  takeOwnership(others, conflicts);
  const base: KubeObject = structuredClone(live ?? { metadata: {} });
  removeDroppedFields(base, entries.find(isApplyBy(manager))?.fieldsV1, newLeaves, others);
  const body = structuredClone(applied) as Record<string, unknown>;
  const merged = (
    req.isCustom ? mergeAtomicLists(base, body) : strategicMerge(applied.kind ?? '', base, body)
  ) as KubeObject;
  const entry = applyEntry(manager, req.apiVersion, newSet);
  const rest = entries.filter((e) => !isApplyBy(manager)(e));
  merged.metadata = { ...merged.metadata, managedFields: [...rest, entry] };
  return merged;
}
