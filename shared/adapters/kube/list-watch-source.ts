/**
 * The port a ListWatch reads from: one LIST and WATCH streams from a resourceVersion. The Kubernetes adapter is
 * kube-watch-source.ts (the forwarder and the local controllers use it); unit tests drive an in-memory one.
 */
interface KubeObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
}

export interface KubeObject {
  metadata?: KubeObjectMeta | undefined;
}

export interface ListResult<T> {
  items: T[];
  /** The list's `metadata.resourceVersion`: the point the following watch resumes from. */
  resourceVersion: string;
}

/** A `metav1.Status` as sent in a watch ERROR event (e.g. code 410, reason Expired/Gone). */
interface WatchStatus {
  code?: number;
  reason?: string;
  message?: string;
}

export type RawWatchEvent<T> =
  { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T } | { type: 'ERROR'; object: WatchStatus };

export interface WatchHandle {
  abort(): void;
}

export interface WatchOptions {
  /**
   * A watch-list (KEP-3157): from resourceVersion "", the server first sends the current objects as ADDED, then a
   * BOOKMARK annotated `k8s.io/initial-events-end: "true"` (`sendInitialEvents=true`,
   * `resourceVersionMatch=NotOlderThan`, bookmarks on).
   */
  sendInitialEvents?: boolean;
}

export interface ListWatchSource<T> {
  /**
   * The whole collection, each item passed through `transform` as it is read (the ListWatch's slimming), so a paged
   * LIST of many objects never holds more than one page of whole objects.
   */
  list(transform: (object: T) => T): Promise<ListResult<T>>;
  /**
   * Opens a watch from `resourceVersion` with bookmarks. `onEnd` is called once when the stream ends: `undefined`
   * for a clean end, else the error (an HTTP 410 carries `statusCode: 410` or `code: 410`).
   */
  watch(
    resourceVersion: string,
    onEvent: (e: RawWatchEvent<T>) => void,
    onEnd: (err?: unknown) => void,
    options?: WatchOptions,
  ): Promise<WatchHandle>;
}

/** True when the API said the resourceVersion is too old to resume from (HTTP 410 Gone / Status code 410). */
export function isGone(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { statusCode?: unknown; code?: unknown };
  return e.statusCode === 410 || e.code === 410;
}

/** The annotation of the BOOKMARK that ends a watch-list's initial events. */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** A cache key: `namespace/name`, or `name` for a cluster-scoped object (client-go's MetaNamespaceKeyFunc). */
export const metaKey = (meta: { namespace?: string | undefined; name?: string | undefined } | undefined): string =>
  meta?.namespace ? `${meta.namespace}/${meta.name ?? ''}` : (meta?.name ?? '');

export const keyOf = (o: KubeObject): string => metaKey(o.metadata);
