/** REST verbs on one resource path: get/list/watch/create/update/patch/delete/deletecollection and subresources. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, methodNotAllowed, notFound, unsupportedMediaType } from './errors.ts';
import type { FaultInjector } from './faults.ts';
import { boolParam, intParam, mediaType, parseBody, readBody, readBodyBytes, resourceVersionParam, sendJson, wantsTable } from './http-util.ts';
import { isObject, jsonPatch, mergePatch } from './json-patch.ts';
import { listPage } from './list-paging.ts';
import { type DeleteOptions, type Operations, present } from './operations.ts';
import { decodeProtobufBody, isProtobuf } from './protobuf.ts';
import { type Matcher, combine, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { serverSideApply } from './server-side-apply.ts';
import type { ServiceAccountTokens } from './service-account-tokens.ts';
import { strategicMerge } from './strategic-merge.ts';
import { toTable } from './table.ts';
import { type KubeObject, type ResourceType, type Verb, apiVersionOf } from './types.ts';
import { serveWatch } from './watch.ts';

export interface ResourceRoute {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  watchPath: boolean;
}

export interface HandlerDeps {
  ops: Operations;
  faults: FaultInjector;
  bookmarkIntervalMs: number;
  serviceAccountTokens: ServiceAccountTokens;
}

export function verbOf(method: string, r: ResourceRoute, q: URLSearchParams): Verb {
  switch (method) {
    case 'GET':
      if (r.name) return 'get';
      return r.watchPath || boolParam(q.get('watch')) ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name ? 'delete' : 'deletecollection';
    default:
      throw methodNotAllowed();
  }
}

/** Label and field selectors of a list, watch or deletecollection (a bad one is a 400 before anything happens). */
function matcherFor(q: URLSearchParams, t: ResourceType): Matcher | undefined {
  return combine(parseLabelSelector(q.get('labelSelector')), parseFieldSelector(q.get('fieldSelector'), t));
}

function list(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams): void {
  const t = r.type;
  const lq = { storageKey: t.storageKey, namespace: t.namespaced ? r.namespace : undefined, matcher: matcherFor(q, t) };
  const { items, meta } = listPage(deps.ops.store, lq, q);
  if (wantsTable(req.headers.accept)) {
    sendJson(res, 200, toTable(t, items, q.get('includeObject'), meta));
    return;
  }
  sendJson(res, 200, { kind: t.listKind, apiVersion: apiVersionOf(t), metadata: meta, items: items.map((o) => present(t, o)) });
}

/** A create/update/delete body: JSON or YAML, or protobuf for the kinds protobuf.ts decodes (kubectl's typed clients). */
async function body(req: IncomingMessage): Promise<unknown> {
  const ct = mediaType(req.headers['content-type']);
  const bytes = await readBodyBytes(req);
  if (isProtobuf(ct) && bytes.length > 0) return decodeProtobufBody(bytes);
  return parseBody(bytes.toString('utf8'), ct);
}

function asObject(v: unknown): KubeObject {
  if (!isObject(v)) throw badRequest('the body of the request must be a JSON object');
  return v as KubeObject;
}

async function patch(deps: HandlerDeps, req: IncomingMessage, r: ResourceRoute, q: URLSearchParams): Promise<{ code: number; body: unknown }> {
  const { ops } = deps;
  const t = r.type;
  const ns = r.namespace ?? '';
  const name = r.name!;
  const ct = mediaType(req.headers['content-type']);
  const opts = { subresource: r.subresource, dryRun: q.get('dryRun') === 'All' };
  const known = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
  if (!known.includes(ct) || (ct === 'application/strategic-merge-patch+json' && t.isCustom)) throw unsupportedMediaType(ct);
  const patchBody = parseBody(await readBody(req), ct === 'application/apply-patch+yaml' ? 'yaml' : 'json');
  if (ct === 'application/apply-patch+yaml') {
    const manager = q.get('fieldManager');
    if (!manager) throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const applied = asObject(patchBody);
    if (!isObject(applied.metadata)) throw badRequest('Object metadata is missing or malformed');
    if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${String(applied.metadata.name)}) does not match the name on the URL (${name})`);
    }
    const live = ops.store.get(t.storageKey, t.namespaced ? ns : '', name);
    const merged = serverSideApply({ live, applied, manager, force: boolParam(q.get('force')), isCustom: t.isCustom, apiVersion: apiVersionOf(t) });
    if (!live) {
      merged.metadata.name = name;
      return { code: 201, body: ops.create(t, ns, merged, opts) };
    }
    return { code: 200, body: ops.update(t, ns, name, merged, opts, false) };
  }
  const existing = ops.get(t, ns, name);
  let patched: unknown;
  if (ct === 'application/json-patch+json') patched = jsonPatch(existing, patchBody);
  else if (!isObject(patchBody)) throw badRequest('the body of a merge patch must be a JSON object');
  else if (ct === 'application/merge-patch+json') patched = mergePatch(existing, patchBody);
  else patched = strategicMerge(t.kind, existing, patchBody);
  return { code: 200, body: ops.update(t, ns, name, asObject(patched), opts, false) };
}

async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const bytes = await readBodyBytes(req);
  const ct = mediaType(req.headers['content-type']);
  let fromBody: DeleteOptions = {};
  if (isProtobuf(ct) && bytes.length > 0) fromBody = decodeProtobufBody(bytes) as unknown as DeleteOptions;
  else if (bytes.toString('utf8').trim()) fromBody = asObject(parseBody(bytes.toString('utf8'), 'json')) as unknown as DeleteOptions;
  const grace = intParam(q.get('gracePeriodSeconds'), 'gracePeriodSeconds');
  return {
    ...fromBody,
    ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
    ...(q.get('propagationPolicy') ? { propagationPolicy: q.get('propagationPolicy')! } : {}),
    ...(q.get('orphanDependents') ? { orphanDependents: boolParam(q.get('orphanDependents')) } : {}),
    ...(q.get('dryRun') === 'All' ? { dryRun: true } : {}),
  };
}

/**
 * k8s.io/apiserver handlers/delete.go: 200 even when the deletion is pending (graceful pod, finalizers, namespace);
 * 202 only for a pending deletion that explicitly asked `orphanDependents=false` (kept for old clients).
 */
function deleteStatusCode(pending: boolean, opts: DeleteOptions): number {
  return pending && opts.orphanDependents === false ? 202 : 200;
}

export async function handleResource(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams, verb: Verb): Promise<void> {
  const { ops } = deps;
  const t = r.type;
  const ns = r.namespace ?? '';
  const sub = r.subresource;
  if (sub && (!t.subresources.includes(sub) || !['status', 'eviction', 'token'].includes(sub))) throw notFound(t, r.name ?? '');
  if (sub === 'token') {
    if (verb !== 'create') throw methodNotAllowed();
    const tokenRequest = deps.serviceAccountTokens.tokenRequest(ns, r.name!, asObject(await body(req)));
    sendJson(res, 201, tokenRequest);
    return;
  }
  if (sub === 'eviction' && verb !== 'create') throw methodNotAllowed();
  if (verb === 'create' && r.name && sub !== 'eviction') throw methodNotAllowed();
  if ((verb === 'update' || verb === 'patch') && !r.name) throw methodNotAllowed();
  if (sub === 'status' && (verb === 'delete' || verb === 'create')) throw methodNotAllowed();
  if (t.namespaced && !r.namespace && verb !== 'list' && verb !== 'watch') throw notFound(t, r.name ?? '');
  const dryRun = q.get('dryRun') === 'All';
  switch (verb) {
    case 'get': {
      const obj = ops.get(t, ns, r.name!);
      sendJson(res, 200, wantsTable(req.headers.accept) ? toTable(t, [obj], q.get('includeObject'), {}) : obj);
      return;
    }
    case 'list':
      list(deps, req, res, r, q);
      return;
    case 'watch': {
      const matcher = matcherFor(q, t);
      serveWatch(req, res, {
        type: t,
        namespace: t.namespaced ? r.namespace : undefined,
        resourceVersion: resourceVersionParam(q.get('resourceVersion')),
        matcher,
        asTable: wantsTable(req.headers.accept),
        allowBookmarks: boolParam(q.get('allowWatchBookmarks')),
        timeoutSeconds: intParam(q.get('timeoutSeconds'), 'timeoutSeconds'),
      }, { store: ops.store, faults: deps.faults, bookmarkIntervalMs: deps.bookmarkIntervalMs });
      return;
    }
    case 'create': {
      const input = asObject(await body(req));
      if (sub === 'eviction') {
        sendJson(res, 201, ops.evict(t, ns, r.name!, input));
        return;
      }
      sendJson(res, 201, ops.create(t, ns, input, { dryRun }));
      return;
    }
    case 'update':
      sendJson(res, 200, ops.update(t, ns, r.name!, asObject(await body(req)), { subresource: sub, dryRun }));
      return;
    case 'patch': {
      const out = await patch(deps, req, r, q);
      sendJson(res, out.code, out.body);
      return;
    }
    case 'delete': {
      const opts = await deleteOptions(req, q);
      const out = ops.delete(t, ns, r.name!, opts);
      sendJson(res, deleteStatusCode(out.pending, opts), out.body);
      return;
    }
    case 'deletecollection': {
      const opts = await deleteOptions(req, q);
      const matcher = matcherFor(q, t);
      const items = ops.store.list(t.storageKey, t.namespaced ? r.namespace : undefined).filter((o) => !matcher || matcher(o));
      for (const o of items) ops.delete(t, o.metadata.namespace ?? '', o.metadata.name!, opts);
      sendJson(res, 200, { kind: t.listKind, apiVersion: apiVersionOf(t), metadata: { resourceVersion: String(ops.store.resourceVersion) }, items: items.map((o) => present(t, o)) });
      return;
    }
  }
}
