/**
 * Watch streams: chunked JSON lines `{"type":...,"object":...}`. With initial events (the default from
 * resourceVersion 0/empty, or `sendInitialEvents=true`; watch-options.ts) the current state is sent as synthetic
 * ADDED events first, ended by the `k8s.io/initial-events-end` BOOKMARK when bookmarks are allowed; from N the
 * bounded history is replayed, or — like the watch cache for an N older than its window — an ERROR event with the
 * 410 Expired Status "too old resource version: N (oldest-1)" is sent and the stream ends (the client must relist).
 * Bookmarks carry the latest resourceVersion. Events are serialised once per apiVersion and shared by all watchers
 * without selectors/table output.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gone } from './errors.ts';
import type { FaultInjector } from './faults.ts';
import { present } from './operations.ts';
import type { Matcher } from './selectors.ts';
import type { WatchListOptions } from './watch-options.ts';
import type { ObjectStore, StoredEvent } from './store.ts';
import { toTable } from './table.ts';
import { type KubeObject, type ResourceType, apiVersionOf } from './types.ts';

export interface WatchRequest {
  type: ResourceType;
  namespace: string | undefined;
  resourceVersion: string;
  matcher: Matcher | undefined;
  asTable: boolean;
  allowBookmarks: boolean;
  timeoutSeconds: number | undefined;
  watchList: WatchListOptions;
}

export interface WatchDeps {
  store: ObjectStore;
  faults: FaultInjector;
  bookmarkIntervalMs: number;
}

function goneLine(message?: string): string {
  return JSON.stringify({ type: 'ERROR', object: gone(message).toStatus() }) + '\n';
}

function sharedLine(ev: StoredEvent, t: ResourceType): string {
  const key = apiVersionOf(t);
  ev.lines ??= new Map();
  let line = ev.lines.get(key);
  if (line === undefined) {
    line = `{"type":"${ev.type}","object":${JSON.stringify(present(t, ev.obj))}}\n`;
    ev.lines.set(key, line);
  }
  return line;
}

interface WatchEncoder {
  /** The line of an event of this type for the object (a Table row when asked; columns only in the first). */
  encode(type: string, obj: KubeObject): string;
  /** The line a stored event becomes for this watcher, or undefined when its selector hides it. */
  lineFor(ev: StoredEvent): string | undefined;
}

function watchEncoder(w: WatchRequest): WatchEncoder {
  const t = w.type;
  let firstTable = true;
  const encode = (type: string, obj: KubeObject): string => {
    if (!w.asTable) return JSON.stringify({ type, object: present(t, obj) }) + '\n';
    const table = toTable(t, [present(t, obj)], null, { resourceVersion: obj.metadata.resourceVersion }) as Record<
      string,
      unknown
    >;
    if (!firstTable) table.columnDefinitions = [];
    firstTable = false;
    return JSON.stringify({ type, object: table }) + '\n';
  };
  const lineFor = (ev: StoredEvent): string | undefined => {
    if (!w.matcher) return w.asTable ? encode(ev.type, ev.obj) : sharedLine(ev, t);
    // Selector watches report an object moving in as ADDED and moving out as DELETED (like the watch cache).
    const now = w.matcher(ev.obj);
    const before = ev.type === 'MODIFIED' && ev.prev ? w.matcher(ev.prev) : now;
    if (ev.type === 'MODIFIED' && now !== before) return encode(now ? 'ADDED' : 'DELETED', ev.obj);
    if (!now) return undefined;
    return w.asTable ? encode(ev.type, ev.obj) : sharedLine(ev, t);
  };
  return { encode, lineFor };
}

/**
 * The lines sent before live events: the current state (+ the initial-events-end bookmark) with initial events;
 * nothing for `sendInitialEvents=false` from 0/empty (watch from now); else the history since the resourceVersion.
 * A string is the message of the 410 when that history is gone.
 */
function backlogLines(store: ObjectStore, w: WatchRequest, encoder: WatchEncoder): string[] | string {
  const t = w.type;
  const rv = w.resourceVersion;
  if (w.watchList.sendInitialEvents) {
    const lines = store
      .list(t.storageKey, w.namespace)
      .filter((o) => !w.matcher || w.matcher(o))
      .map((o) => encoder.encode('ADDED', o));
    if (w.watchList.initialEventsEndBookmark) lines.push(bookmarkLine(t, store, true));
    return lines;
  }
  if (rv === '' || rv === '0') return [];
  const events = store.eventsSince(Number(rv), t.storageKey); // rv is digits (resourceVersionParam)
  if (!events) return `too old resource version: ${rv} (${store.oldestResumableRv})`;
  return events
    .filter((e) => w.namespace === undefined || e.obj.metadata.namespace === w.namespace)
    .flatMap((e) => encoder.lineFor(e) ?? []);
}

/** A BOOKMARK: an empty object of the kind at the latest resourceVersion (annotated at the end of initial events). */
function bookmarkLine(t: ResourceType, store: ObjectStore, initialEventsEnd = false): string {
  const metadata = {
    resourceVersion: String(store.resourceVersion),
    ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
  };
  return JSON.stringify({ type: 'BOOKMARK', object: { kind: t.kind, apiVersion: apiVersionOf(t), metadata } }) + '\n';
}

/** Periodic bookmarks when allowed, and the end of the stream after timeoutSeconds (`end`). */
function watchTimers(res: ServerResponse, w: WatchRequest, deps: WatchDeps, end: () => void): NodeJS.Timeout[] {
  const timers: NodeJS.Timeout[] = [];
  if (w.allowBookmarks)
    timers.push(setInterval(() => res.write(bookmarkLine(w.type, deps.store)), deps.bookmarkIntervalMs));
  if (w.timeoutSeconds !== undefined && w.timeoutSeconds > 0) timers.push(setTimeout(end, w.timeoutSeconds * 1000));
  return timers;
}

export function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchRequest, deps: WatchDeps): void {
  const { store, faults } = deps;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  if (faults.takeGone()) {
    res.end(goneLine());
    return;
  }
  const encoder = watchEncoder(w);
  const backlog = backlogLines(store, w, encoder);
  if (typeof backlog === 'string') {
    res.end(goneLine(backlog));
    return;
  }
  let closed = false;
  const removeSink = store.addSink({
    storageKey: w.type.storageKey,
    namespace: w.namespace,
    deliver: (ev) => {
      const line = encoder.lineFor(ev);
      if (line !== undefined && !closed) res.write(line);
    },
  });
  if (backlog.length > 0) res.write(backlog.join(''));

  const timers: NodeJS.Timeout[] = [];
  const control = {
    drop: () => {
      cleanup();
      req.socket.destroy();
    },
    gone: () => {
      if (closed) return;
      res.write(goneLine());
      cleanup();
      res.end();
    },
  };
  const cleanup = (): void => {
    if (closed) return;
    closed = true;
    removeSink();
    faults.watches.delete(control);
    for (const timer of timers) clearTimeout(timer);
  };
  faults.watches.add(control);
  timers.push(
    ...watchTimers(res, w, deps, () => {
      cleanup();
      res.end();
    }),
  );
  res.on('close', cleanup);
}
