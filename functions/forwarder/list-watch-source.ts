/**
 * The port a ListWatch reads from: one LIST and WATCH streams from a resourceVersion. The Kubernetes adapter is
 * kube-watch-source.ts; unit tests drive an in-memory one.
 */
export interface KubeObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
}

export interface KubeObject {
  metadata?: KubeObjectMeta;
}

export interface ListResult<T> {
  items: T[];
  /** The list's `metadata.resourceVersion`: the point the following watch resumes from. */
  resourceVersion: string;
}

/** A `metav1.Status` as sent in a watch ERROR event (e.g. code 410, reason Expired/Gone). */
export interface WatchStatus {
  code?: number;
  reason?: string;
  message?: string;
}

export type RawWatchEvent<T> =
  { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T } | { type: 'ERROR'; object: WatchStatus };

export interface WatchHandle {
  abort(): void;
}

export interface ListWatchSource<T> {
  list(): Promise<ListResult<T>>;
  /**
   * Opens a watch from `resourceVersion` with bookmarks. `onEnd` is called once when the stream ends: `undefined`
   * for a clean end, else the error (an HTTP 410 carries `statusCode: 410` or `code: 410`).
   */
  watch(
    resourceVersion: string,
    onEvent: (e: RawWatchEvent<T>) => void,
    onEnd: (err?: unknown) => void,
  ): Promise<WatchHandle>;
}

/** True when the API said the resourceVersion is too old to resume from (HTTP 410 Gone / Status code 410). */
export function isGone(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { statusCode?: unknown; code?: unknown };
  return e.statusCode === 410 || e.code === 410;
}

export const keyOf = (o: KubeObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
