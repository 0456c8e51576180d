/** PATCH of one object: JSON patch, JSON merge patch, strategic merge patch (built-in kinds only) and server-side apply. */
import type { IncomingMessage } from 'node:http';
import { badRequest, unsupportedMediaType } from './errors.ts';
import { asObject, boolParam, mediaType, parseBody, readBody } from './http-util.ts';
import { isObject, jsonPatch, mergePatch } from './json-patch.ts';
import { managerOf } from './managed-fields.ts';
import type { Operations, WriteOptions } from './operations.ts';
import { serverSideApply } from './server-side-apply.ts';
import { strategicMerge } from './strategic-merge.ts';
import { type ResourceType, apiVersionOf } from './types.ts';

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
const APPLY_PATCH = 'application/apply-patch+yaml';
const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];

interface PatchTarget {
  type: ResourceType;
  namespace: string;
  name: string;
  subresource: string | undefined;
}

interface PatchResult {
  code: number;
  body: unknown;
}

interface PatchContext {
  ops: Operations;
  t: ResourceType;
  ns: string;
  name: string;
  opts: WriteOptions;
}

/** The object after a JSON, merge or strategic merge patch (a merge patch must be a JSON object: 400). */
function patchedObject(kind: string, contentType: string, existing: unknown, patchBody: unknown): unknown {
  if (contentType === JSON_PATCH) return jsonPatch(existing, patchBody);
  if (!isObject(patchBody)) throw badRequest('the body of a merge patch must be a JSON object');
  if (contentType === MERGE_PATCH) return mergePatch(existing, patchBody);
  return strategicMerge(kind, existing, patchBody);
}

/** Server-side apply: needs a fieldManager; creates the object (201) when it does not exist yet. */
function apply(c: PatchContext, patchBody: unknown, q: URLSearchParams): PatchResult {
  const { ops, t, ns, name, opts } = c;
  const manager = q.get('fieldManager');
  if (!manager)
    throw badRequest(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  const applied = asObject(patchBody);
  if (!isObject(applied.metadata)) throw badRequest('Object metadata is missing or malformed');
  if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${String(applied.metadata.name)}) does not match the name on the URL (${name})`,
    );
  }
  const live = ops.store.get(t.storageKey, t.namespaced ? ns : '', name);
  const merged = serverSideApply({
    live,
    applied,
    manager,
    force: boolParam(q.get('force')),
    isCustom: t.isCustom,
    apiVersion: apiVersionOf(t),
  });
  const applyOpts: WriteOptions = { ...opts, manager, apply: true };
  if (!live) {
    merged.metadata.name = name;
    return { code: 201, body: ops.create(t, ns, merged, applyOpts) };
  }
  return { code: 200, body: ops.update(t, ns, name, merged, applyOpts, false) };
}

export async function patch(
  ops: Operations,
  req: IncomingMessage,
  target: PatchTarget,
  q: URLSearchParams,
): Promise<PatchResult> {
  const { type: t, namespace: ns, name } = target;
  const ct = mediaType(req.headers['content-type']);
  const opts: WriteOptions = {
    subresource: target.subresource,
    dryRun: q.get('dryRun') === 'All',
    manager: managerOf(req, q),
  };
  if (!PATCH_TYPES.includes(ct) || (ct === STRATEGIC_MERGE_PATCH && t.isCustom)) throw unsupportedMediaType(ct);
  const patchBody = parseBody(await readBody(req), ct === APPLY_PATCH ? 'yaml' : 'json');
  if (ct === APPLY_PATCH) return apply({ ops, t, ns, name, opts }, patchBody, q);
  const patched = patchedObject(t.kind, ct, ops.get(t, ns, name), patchBody);
  return { code: 200, body: ops.update(t, ns, name, asObject(patched), opts, false) };
}
