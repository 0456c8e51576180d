/** REST verbs on one resource path: get/list/watch/create/update/patch/delete/deletecollection and subresources. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotAllowed, notFound } from './errors.ts';
import type { FaultInjector } from './faults.ts';
import {
  asObject,
  boolParam,
  intParam,
  mediaType,
  parseBody,
  readBodyBytes,
  resourceVersionParam,
  sendJson,
  wantsTable,
} from './http-util.ts';
import { listPage } from './list-paging.ts';
import { managerOf } from './managed-fields.ts';
import { type DeleteOptions, type Operations, deleteOptionsOf, present } from './operations.ts';
import { patch } from './patch-request.ts';
import { decodeProtobufBody, isProtobuf } from './protobuf.ts';
import { type Matcher, combine, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { ServiceAccountTokens } from './service-account-tokens.ts';
import { toTable } from './table.ts';
import { type ResourceType, type Verb, apiVersionOf } from './types.ts';
import { validateListOptions, watchListOptions } from './watch-options.ts';
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

/** A create/update/delete body: JSON or YAML, or protobuf for the kinds protobuf.ts decodes (kubectl's typed clients). */
async function body(req: IncomingMessage): Promise<unknown> {
  const ct = mediaType(req.headers['content-type']);
  const bytes = await readBodyBytes(req);
  if (isProtobuf(ct) && bytes.length > 0) return decodeProtobufBody(bytes);
  return parseBody(bytes.toString('utf8'), ct);
}

/**
 * DeleteOptions exactly as k8s.io/apiserver handlers/delete.go reads them: from the body when the request has one
 * (any non-empty body, JSON or protobuf), and ONLY then — the query parameters (gracePeriodSeconds,
 * propagationPolicy, orphanDependents, dryRun) are decoded solely when the body is empty. A client that sends
 * `?gracePeriodSeconds=0` with a preconditions body therefore gets the pod's own grace period.
 */
async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const bytes = await readBodyBytes(req);
  const ct = mediaType(req.headers['content-type']);
  if (isProtobuf(ct) && bytes.length > 0) return deleteOptionsOf(decodeProtobufBody(bytes));
  if (bytes.length > 0) return deleteOptionsOf(asObject(parseBody(bytes.toString('utf8'), 'json')));
  const grace = intParam(q.get('gracePeriodSeconds'), 'gracePeriodSeconds');
  return {
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

/** One request on a resource path, as every verb handler gets it. */
interface VerbRequest {
  deps: HandlerDeps;
  req: IncomingMessage;
  res: ServerResponse;
  r: ResourceRoute;
  q: URLSearchParams;
}

function list({ deps, req, res, r, q }: VerbRequest): void {
  const t = r.type;
  validateListOptions(q);
  const lq = { storageKey: t.storageKey, namespace: t.namespaced ? r.namespace : undefined, matcher: matcherFor(q, t) };
  const { items, meta } = listPage(deps.ops.store, lq, q);
  if (wantsTable(req.headers.accept)) {
    sendJson(res, 200, toTable(t, items, q.get('includeObject'), meta));
    return;
  }
  sendJson(res, 200, {
    kind: t.listKind,
    apiVersion: apiVersionOf(t),
    metadata: meta,
    items: items.map((o) => present(t, o)),
  });
}

function getOne({ deps, req, res, r, q }: VerbRequest): void {
  const obj = deps.ops.get(r.type, r.namespace ?? '', r.name!);
  sendJson(res, 200, wantsTable(req.headers.accept) ? toTable(r.type, [obj], q.get('includeObject'), {}) : obj);
}

function watch({ deps, req, res, r, q }: VerbRequest): void {
  const t = r.type;
  const matcher = matcherFor(q, t);
  const resourceVersion = resourceVersionParam(q.get('resourceVersion'));
  serveWatch(
    req,
    res,
    {
      type: t,
      namespace: t.namespaced ? r.namespace : undefined,
      resourceVersion,
      matcher,
      asTable: wantsTable(req.headers.accept),
      allowBookmarks: boolParam(q.get('allowWatchBookmarks')),
      timeoutSeconds: intParam(q.get('timeoutSeconds'), 'timeoutSeconds'),
      watchList: watchListOptions(q, resourceVersion),
    },
    { store: deps.ops.store, faults: deps.faults, bookmarkIntervalMs: deps.bookmarkIntervalMs },
  );
}

/** POST of a new object, or of an Eviction to a pod's eviction subresource. */
async function create({ deps, req, res, r, q }: VerbRequest): Promise<void> {
  const ns = r.namespace ?? '';
  const input = asObject(await body(req));
  if (r.subresource === 'eviction') {
    sendJson(res, 201, deps.ops.evict(r.type, ns, r.name!, input));
    return;
  }
  sendJson(
    res,
    201,
    deps.ops.create(r.type, ns, input, { dryRun: q.get('dryRun') === 'All', manager: managerOf(req, q) }),
  );
}

async function update({ deps, req, res, r, q }: VerbRequest): Promise<void> {
  const opts = { subresource: r.subresource, dryRun: q.get('dryRun') === 'All', manager: managerOf(req, q) };
  sendJson(res, 200, deps.ops.update(r.type, r.namespace ?? '', r.name!, asObject(await body(req)), opts));
}

async function patchOne({ deps, req, res, r, q }: VerbRequest): Promise<void> {
  const out = await patch(
    deps.ops,
    req,
    { type: r.type, namespace: r.namespace ?? '', name: r.name!, subresource: r.subresource },
    q,
  );
  sendJson(res, out.code, out.body);
}

async function deleteOne({ deps, req, res, r, q }: VerbRequest): Promise<void> {
  const opts = await deleteOptions(req, q);
  const out = deps.ops.delete(r.type, r.namespace ?? '', r.name!, opts);
  sendJson(res, deleteStatusCode(out.pending, opts), out.body);
}

async function deleteCollection({ deps, req, res, r, q }: VerbRequest): Promise<void> {
  const { ops } = deps;
  const t = r.type;
  const opts = await deleteOptions(req, q);
  const matcher = matcherFor(q, t);
  const items = ops.store
    .list(t.storageKey, t.namespaced ? r.namespace : undefined)
    .filter((o) => !matcher || matcher(o));
  for (const o of items) ops.delete(t, o.metadata.namespace ?? '', o.metadata.name!, opts);
  sendJson(res, 200, {
    kind: t.listKind,
    apiVersion: apiVersionOf(t),
    metadata: { resourceVersion: String(ops.store.resourceVersion) },
    items: items.map((o) => present(t, o)),
  });
}

const VERB_HANDLERS: Record<Verb, (v: VerbRequest) => void | Promise<void>> = {
  get: getOne,
  list,
  watch,
  create,
  update,
  patch: patchOne,
  delete: deleteOne,
  deletecollection: deleteCollection,
};

const SERVED_SUBRESOURCES = ['status', 'eviction', 'token'];

/** Verb and path combinations the real server refuses with 405 Method Not Allowed. */
const METHOD_NOT_ALLOWED: ((r: ResourceRoute, verb: Verb) => boolean)[] = [
  (r, verb) => r.subresource === 'eviction' && verb !== 'create',
  (r, verb) => verb === 'create' && Boolean(r.name) && r.subresource !== 'eviction',
  (r, verb) => (verb === 'update' || verb === 'patch') && !r.name,
  (r, verb) => r.subresource === 'status' && (verb === 'delete' || verb === 'create'),
];

function checkVerbOnPath(r: ResourceRoute, verb: Verb): void {
  if (METHOD_NOT_ALLOWED.some((refused) => refused(r, verb))) throw methodNotAllowed();
  // Outside a namespace, a namespaced resource only lists and watches (across all namespaces).
  if (r.type.namespaced && !r.namespace && verb !== 'list' && verb !== 'watch') throw notFound(r.type, r.name ?? '');
}

/** POST to a service account's token subresource: a TokenRequest. */
async function tokenRequest(
  deps: HandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  r: ResourceRoute,
  verb: Verb,
): Promise<void> {
  if (verb !== 'create') throw methodNotAllowed();
  const issued = deps.serviceAccountTokens.tokenRequest(r.namespace ?? '', r.name!, asObject(await body(req)));
  sendJson(res, 201, issued);
}

export async function handleResource(
  deps: HandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  r: ResourceRoute,
  q: URLSearchParams,
  verb: Verb,
): Promise<void> {
  const sub = r.subresource;
  if (sub && (!r.type.subresources.includes(sub) || !SERVED_SUBRESOURCES.includes(sub)))
    throw notFound(r.type, r.name ?? '');
  if (sub === 'token') {
    await tokenRequest(deps, req, res, r, verb);
    return;
  }
  checkVerbOnPath(r, verb);
  await VERB_HANDLERS[verb]({ deps, req, res, r, q });
}
