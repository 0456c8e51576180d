/** The HTTP(S) request pipeline: authentication → routing → authorization → fault injection → handler. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authorizer, RequestAttributes, UserInfo } from './auth.ts';
import { ApiError, forbidden, pageNotFound } from './errors.ts';
import { sendError, sendJson } from './http-util.ts';
import { isHealthPath, nonResourceDocument } from './non-resource-paths.ts';
import type { Registry } from './registry.ts';
import { type HandlerDeps, type ResourceRoute, handleResource, verbOf } from './resource-handlers.ts';

interface ServerDeps extends HandlerDeps {
  registry: Registry;
  authenticate: (req: IncomingMessage) => UserInfo | undefined;
  authorizer: Authorizer;
  onError: (err: unknown, what: string) => void;
}

function parseResourcePath(
  registry: Registry,
  group: string,
  version: string,
  rest: string[],
): ResourceRoute | undefined {
  let segs = rest;
  let watchPath = false;
  if (segs[0] === 'watch') {
    watchPath = true; // deprecated /watch/ prefix form
    segs = segs.slice(1);
  }
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    const t = registry.find(group, version, segs[2]!);
    if (t?.namespaced && segs.length <= 5) {
      return { type: t, namespace: segs[1], name: segs[3], subresource: segs[4], watchPath };
    }
  }
  if (segs.length === 0 || segs.length > 3) return undefined;
  const t = registry.find(group, version, segs[0]!);
  if (!t) return undefined;
  return { type: t, namespace: undefined, name: segs[1], subresource: segs[2], watchPath };
}

/** The 403 of k8s.io/apiserver's authorization filter (responsewriters.Forbidden + apierrors.NewForbidden). */
function authorize(deps: ServerDeps, attrs: RequestAttributes): void {
  const decision = deps.authorizer(attrs);
  if (decision.allowed) return;
  const who = `User "${attrs.user.username}"`;
  const suffix = decision.reason ? `: ${decision.reason}` : '';
  if (!attrs.resourceRequest) throw forbidden(`forbidden: ${who} cannot ${attrs.verb} path "${attrs.path}"${suffix}`);
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const qualified = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
  const subject = attrs.name ? `${qualified} "${attrs.name}"` : qualified;
  throw forbidden(
    `${subject} is forbidden: ${who} cannot ${attrs.verb} resource "${resource}" in API group "${attrs.apiGroup}" ${where}${suffix}`,
    {
      ...(attrs.name ? { name: attrs.name } : {}),
      ...(attrs.apiGroup ? { group: attrs.apiGroup } : {}),
      kind: attrs.resource,
    },
  );
}

/**
 * Authorization attributes as k8s.io/apiserver's RequestInfoFactory derives them: a namespace's own path carries the
 * namespace (so a RoleBinding can grant `get namespaces` on its namespace), and a list/watch narrowed by
 * `fieldSelector=metadata.name=<n>` is authorized for that name.
 */
function resourceAttributes(
  user: UserInfo,
  route: ResourceRoute,
  verb: string,
  q: URLSearchParams,
  path: string,
): RequestAttributes {
  const t = route.type;
  let name = route.name ?? '';
  if ((verb === 'list' || verb === 'watch') && !name) {
    const m = /(?:^|,)\s*metadata\.name\s*==?\s*([^,\s]+)\s*(?:,|$)/.exec(q.get('fieldSelector') ?? '');
    if (m) name = m[1]!;
  }
  const namespace = route.namespace ?? (t.group === '' && t.plural === 'namespaces' ? (route.name ?? '') : '');
  return {
    user,
    verb,
    resourceRequest: true,
    apiGroup: t.group,
    resource: t.plural,
    subresource: route.subresource ?? '',
    namespace,
    name,
    path,
  };
}

function resourceRouteOf(registry: Registry, segs: string[]): ResourceRoute | undefined {
  if (segs[0] === 'api' && segs[1] === 'v1' && segs.length > 2)
    return parseResourcePath(registry, '', 'v1', segs.slice(2));
  if (segs[0] === 'apis' && segs.length > 3) return parseResourcePath(registry, segs[1]!, segs[2]!, segs.slice(3));
  return undefined;
}

/** GET or HEAD of a health, version, discovery or OpenAPI document (`user` is undefined only for a health check). */
function serveNonResource(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  user: UserInfo | undefined,
  segs: string[],
  path: string,
): void {
  const doc = nonResourceDocument(deps.registry, segs);
  if (doc === undefined) throw pageNotFound();
  if (req.method !== 'GET' && req.method !== 'HEAD')
    throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  if (user)
    authorize(deps, {
      user,
      verb: 'get',
      resourceRequest: false,
      apiGroup: '',
      resource: '',
      subresource: '',
      namespace: '',
      name: '',
      path,
    });
  if (typeof doc === 'string') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': doc.length });
    res.end(doc);
  } else sendJson(res, 200, doc);
}

async function route(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://local');
  const segs = url.pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  const isHealth = isHealthPath(segs);
  const user = deps.authenticate(req);
  if (!user && !isHealth) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  const route = resourceRouteOf(deps.registry, segs);
  if (!route) {
    serveNonResource(deps, req, res, user, segs, url.pathname);
    return;
  }
  const verb = verbOf(req.method ?? 'GET', route, url.searchParams);
  authorize(deps, resourceAttributes(user!, route, verb, url.searchParams, url.pathname));
  if (verb !== 'deletecollection') await deps.faults.before(verb, route.type.plural);
  await handleResource(deps, req, res, route, url.searchParams, verb);
}

export function requestListener(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(deps, req, res).catch((err: unknown) => {
      if (clientWentAway(req, err)) {
        // The client closed its connection before its body was read (e.g. a Lambda environment ended at its timeout
        // mid-request): kube-apiserver cancels the request's context and writes nothing; there is no one to answer.
        res.destroy();
        return;
      }
      if (res.headersSent) {
        deps.onError(err, `${req.method} ${req.url} after response started`);
        res.destroy();
        return;
      }
      if (err instanceof ApiError) {
        sendError(res, err);
        return;
      }
      deps.onError(err, `${req.method} ${req.url}`);
      sendError(
        res,
        new ApiError(
          500,
          'InternalError',
          `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
    });
  };
}

/** Node's "aborted" error on reading the body of a request whose connection is gone. */
const clientWentAway = (req: IncomingMessage, err: unknown): boolean =>
  req.destroyed && err instanceof Error && 'code' in err && err.code === 'ECONNRESET';
