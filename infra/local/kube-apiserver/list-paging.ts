/**
 * List pages (`limit` / `continue`) with the real server's guarantees: every page of one list is cut from the same
 * snapshot, the one of the first page, and reports its resourceVersion, so a client that pages and then watches from
 * that resourceVersion (client-go's reflector, kubectl's chunked get) misses nothing changed between pages. A
 * continue token older than the retained history is 410 Expired, as after etcd compaction.
 */
import { ApiError, badRequest } from './errors.ts';
import { intParam, resourceVersionParam } from './http-util.ts';
import type { Matcher } from './selectors.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject } from './types.ts';

/** Where a page ends: lists are sorted by (namespace, name), so the next page starts after this pair. */
interface ContinueToken {
  rv: number;
  namespace: string;
  name: string;
}

interface ListQuery {
  storageKey: string;
  namespace: string | undefined;
  matcher: Matcher | undefined;
}

interface ListPage {
  items: KubeObject[];
  meta: { resourceVersion: string; continue?: string; remainingItemCount?: number };
}

/** The message of k8s.io/apiserver's etcd3 store for a compacted continue token. */
const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 3, rv: token.rv, ns: token.namespace, name: token.name })).toString(
    'base64url',
  );
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      rv?: unknown;
      ns?: unknown;
      name?: unknown;
    };
    if (Number.isSafeInteger(parsed.rv) && typeof parsed.ns === 'string' && typeof parsed.name === 'string') {
      return { rv: parsed.rv as number, namespace: parsed.ns, name: parsed.name };
    }
  } catch {
    // fall through: reported as the real server does
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/**
 * Compared as a pair, never as one "ns/name" string: that would sort `team-a/x` before `team/y` ('-' < '/') while
 * the store lists namespace `team` first, and a page boundary inside `team` would skip all of `team-a`.
 */
function isAfter(o: KubeObject, start: ContinueToken): boolean {
  const ns = o.metadata.namespace ?? '';
  return ns > start.namespace || (ns === start.namespace && o.metadata.name! > start.name);
}

/** The objects a page is cut from, and the resourceVersion of that snapshot. */
function snapshotFor(
  store: ObjectStore,
  lq: ListQuery,
  token: ContinueToken | undefined,
): { rv: number; items: KubeObject[] } {
  if (!token) return { rv: store.resourceVersion, items: store.list(lq.storageKey, lq.namespace) };
  const items = store.listAt(lq.storageKey, lq.namespace, token.rv);
  if (!items) throw new ApiError(410, 'Expired', EXPIRED_CONTINUE);
  return { rv: token.rv, items: items.filter((o) => isAfter(o, token)) };
}

export function listPage(store: ObjectStore, lq: ListQuery, q: URLSearchParams): ListPage {
  const continueParam = q.get('continue');
  const rvParam = resourceVersionParam(q.get('resourceVersion'));
  if (continueParam && rvParam && rvParam !== '0')
    throw badRequest('specifying resource version is not allowed when using continue');
  const token = continueParam ? decodeContinue(continueParam) : undefined;
  // resourceVersion=0 is served by the watch cache, which does not page: limit is ignored (the whole list comes back).
  const limit = !token && rvParam === '0' ? undefined : intParam(q.get('limit'), 'limit');
  const { rv, items: all } = snapshotFor(store, lq, token);
  let items = lq.matcher ? all.filter(lq.matcher) : all;
  const meta: ListPage['meta'] = { resourceVersion: String(rv) };
  if (limit !== undefined && limit > 0 && items.length > limit) {
    // etcd3 can count what is left only without selectors (it would have to filter the rest).
    if (!lq.matcher) meta.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
    const last = items[items.length - 1]!;
    meta.continue = encodeContinue({ rv, namespace: last.metadata.namespace ?? '', name: last.metadata.name! });
  }
  return { items, meta };
}
