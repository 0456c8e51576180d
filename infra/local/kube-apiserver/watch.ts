/**
 * Watch streams: chunked JSON lines `{"type":...,"object":...}`. From resourceVersion 0/empty the current state is
 * sent as synthetic ADDED events first; from N the bounded history is replayed, or an ERROR 410 Gone event is sent
 * when N is older than it (the client must relist). Bookmarks carry the latest resourceVersion. Events are serialised
 * once per apiVersion and shared by all watchers without selectors/table output.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gone } from './errors.ts';
import type { FaultInjector } from './faults.ts';
import { present } from './operations.ts';
import type { Matcher } from './selectors.ts';
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
}

export interface WatchDeps {
  store: ObjectStore;
  faults: FaultInjector;
  bookmarkIntervalMs: number;
}

function goneLine(): string {
  return JSON.stringify({ type: 'ERROR', object: gone().toStatus() }) + '\n';
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

export function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchRequest, deps: WatchDeps): void {
  const { store, faults } = deps;
  const t = w.type;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  if (faults.takeGone()) {
    res.end(goneLine());
    return;
  }
  let firstTable = true;
  const encode = (type: string, obj: KubeObject): string => {
    if (!w.asTable) return JSON.stringify({ type, object: present(t, obj) }) + '\n';
    const table = toTable(t, [present(t, obj)], null, { resourceVersion: obj.metadata.resourceVersion }) as Record<string, unknown>;
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

  const rv = w.resourceVersion;
  let backlog: string[];
  if (rv === '' || rv === '0') {
    backlog = store
      .list(t.storageKey, w.namespace)
      .filter((o) => !w.matcher || w.matcher(o))
      .map((o) => encode('ADDED', o));
  } else {
    const events = store.eventsSince(Number(rv), t.storageKey); // rv is digits (resourceVersionParam)
    if (!events) {
      res.end(goneLine());
      return;
    }
    backlog = events.filter((e) => w.namespace === undefined || e.obj.metadata.namespace === w.namespace).flatMap((e) => lineFor(e) ?? []);
  }
  let closed = false;
  const removeSink = store.addSink({
    storageKey: t.storageKey,
    namespace: w.namespace,
    deliver: (ev) => {
      const line = lineFor(ev);
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
  if (w.allowBookmarks) {
    const bookmark = (): string =>
      JSON.stringify({ type: 'BOOKMARK', object: { kind: t.kind, apiVersion: apiVersionOf(t), metadata: { resourceVersion: String(store.resourceVersion) } } }) + '\n';
    timers.push(setInterval(() => res.write(bookmark()), deps.bookmarkIntervalMs));
  }
  if (w.timeoutSeconds !== undefined && w.timeoutSeconds > 0) {
    timers.push(
      setTimeout(() => {
        cleanup();
        res.end();
      }, w.timeoutSeconds * 1000),
    );
  }
  res.on('close', cleanup);
}
