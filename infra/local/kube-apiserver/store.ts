/**
 * In-memory object storage with one global, monotonic resourceVersion (like etcd's revision), a bounded event history
 * for watch resume, and synchronous fan-out to watchers. Stored objects are never mutated: every write stores a new
 * object, so lists and watch events can share them without copying.
 */
import type { KubeObject } from './types.ts';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  rv: number;
  type: EventType;
  storageKey: string;
  obj: KubeObject;
  /** The object before a MODIFIED event (lets selector watches turn "moved out" into DELETED). */
  prev: KubeObject | undefined;
  /** Serialised watch lines per apiVersion, so N watchers of one version cost one JSON.stringify. */
  lines?: Map<string, string>;
}

interface WatchSink {
  storageKey: string;
  namespace: string | undefined;
  deliver(ev: StoredEvent): void;
}

type Bucket = Map<string, Map<string, KubeObject>>; // namespace ('' = cluster-scoped) -> name -> object

/** The order list() returns: namespace, then name (code-unit order, like the real server's keys). */
function byNamespaceThenName(a: KubeObject, b: KubeObject): number {
  const [na, nb] = [a.metadata.namespace ?? '', b.metadata.namespace ?? ''];
  if (na !== nb) return na < nb ? -1 : 1;
  const [ma, mb] = [a.metadata.name!, b.metadata.name!];
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}

export class ObjectStore {
  private rv = 0;
  private readonly buckets = new Map<string, Bucket>();
  private readonly ring: (StoredEvent | undefined)[];
  private ringStart = 0;
  private ringCount = 0;
  /** Events with rv <= compactedRv are gone from history: a watch from there must get 410 Gone. */
  private compactedRv = 0;
  private readonly sinks = new Map<string, Set<WatchSink>>();
  private readonly listeners: ((ev: StoredEvent) => void)[] = [];

  constructor(historySize: number) {
    this.ring = new Array<StoredEvent | undefined>(Math.max(1, historySize));
  }

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestResumableRv(): number {
    return this.compactedRv;
  }

  onEvent(fn: (ev: StoredEvent) => void): void {
    this.listeners.push(fn);
  }

  get(storageKey: string, namespace: string, name: string): KubeObject | undefined {
    return this.buckets.get(storageKey)?.get(namespace)?.get(name);
  }

  /** Objects sorted by namespace then name (the order the real server lists in, and what `continue` relies on). */
  list(storageKey: string, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(storageKey);
    if (!bucket) return [];
    const namespaces = namespace !== undefined ? [namespace] : [...bucket.keys()].sort();
    const out: KubeObject[] = [];
    for (const ns of namespaces) {
      const byName = bucket.get(ns);
      if (!byName) continue;
      const names = [...byName.keys()].sort();
      for (const n of names) out.push(byName.get(n)!);
    }
    return out;
  }

  countInNamespace(namespace: string): number {
    let n = 0;
    for (const bucket of this.buckets.values()) n += bucket.get(namespace)?.size ?? 0;
    return n;
  }

  storageKeys(): string[] {
    return [...this.buckets.keys()];
  }

  /** Stores `obj` with a fresh resourceVersion and emits the event. Returns the stored object. */
  commit(storageKey: string, obj: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    const rv = ++this.rv;
    const stored: KubeObject = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    const ns = stored.metadata.namespace ?? '';
    let bucket = this.buckets.get(storageKey);
    if (!bucket) this.buckets.set(storageKey, (bucket = new Map<string, Map<string, KubeObject>>()));
    let byName = bucket.get(ns);
    if (!byName) bucket.set(ns, (byName = new Map<string, KubeObject>()));
    const name = stored.metadata.name!;
    const prev = byName.get(name);
    byName.set(name, stored);
    this.emit({ rv, type, storageKey, obj: stored, prev });
    return stored;
  }

  remove(storageKey: string, obj: KubeObject): KubeObject {
    const rv = ++this.rv;
    const ns = obj.metadata.namespace ?? '';
    const byName = this.buckets.get(storageKey)?.get(ns);
    // `prev` is what was stored (obj may be an unstored last version, e.g. a write that removed the last finalizer).
    const stored = byName?.get(obj.metadata.name!);
    byName?.delete(obj.metadata.name!);
    if (byName?.size === 0) this.buckets.get(storageKey)!.delete(ns);
    // The real server reports a deleted object with the deletion's resourceVersion.
    const gone: KubeObject = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    this.emit({ rv, type: 'DELETED', storageKey, obj: gone, prev: stored ?? obj });
    return gone;
  }

  /**
   * The objects of one kind as they were at `rv`, sorted like list(): the current ones with the events since `rv`
   * undone. Undefined when history no longer reaches back to `rv` (what etcd answers after compaction).
   */
  listAt(storageKey: string, namespace: string | undefined, rv: number): KubeObject[] | undefined {
    const events = this.eventsSince(rv, storageKey);
    if (!events) return undefined;
    const current = this.list(storageKey, namespace);
    if (events.length === 0) return current;
    const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}\0${o.metadata.name}`;
    const state = new Map(current.map((o) => [key(o), o]));
    for (const ev of events.reverse()) {
      if (namespace !== undefined && (ev.obj.metadata.namespace ?? '') !== namespace) continue;
      if (ev.type === 'ADDED') state.delete(key(ev.obj));
      else state.set(key(ev.obj), ev.prev!);
    }
    return [...state.values()].sort(byNamespaceThenName);
  }

  /** Events after `rv` still in history, or undefined when some were already dropped (→ 410 Gone). */
  eventsSince(rv: number, storageKey: string): StoredEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    const out: StoredEvent[] = [];
    for (let i = 0; i < this.ringCount; i++) {
      const ev = this.ring[(this.ringStart + i) % this.ring.length]!;
      if (ev.rv > rv && ev.storageKey === storageKey) out.push(ev);
    }
    return out;
  }

  addSink(sink: WatchSink): () => void {
    let set = this.sinks.get(sink.storageKey);
    if (!set) this.sinks.set(sink.storageKey, (set = new Set()));
    set.add(sink);
    return () => set.delete(sink);
  }

  /** Restores objects from a snapshot (no events: nobody is watching yet). */
  load(rv: number, objects: { storageKey: string; obj: KubeObject }[]): void {
    for (const { storageKey, obj } of objects) {
      let bucket = this.buckets.get(storageKey);
      if (!bucket) this.buckets.set(storageKey, (bucket = new Map<string, Map<string, KubeObject>>()));
      const ns = obj.metadata.namespace ?? '';
      let byName = bucket.get(ns);
      if (!byName) bucket.set(ns, (byName = new Map<string, KubeObject>()));
      byName.set(obj.metadata.name!, obj);
    }
    this.rv = Math.max(this.rv, rv);
    this.compactedRv = this.rv; // history did not survive the restart
  }

  snapshot(): { rv: number; objects: { storageKey: string; obj: KubeObject }[] } {
    const objects: { storageKey: string; obj: KubeObject }[] = [];
    for (const [storageKey, bucket] of this.buckets) {
      for (const byName of bucket.values()) for (const obj of byName.values()) objects.push({ storageKey, obj });
    }
    return { rv: this.rv, objects };
  }

  private emit(ev: StoredEvent): void {
    if (this.ringCount === this.ring.length) {
      this.compactedRv = this.ring[this.ringStart]!.rv;
      this.ring[this.ringStart] = ev;
      this.ringStart = (this.ringStart + 1) % this.ring.length;
    } else {
      this.ring[(this.ringStart + this.ringCount) % this.ring.length] = ev;
      this.ringCount++;
    }
    const sinks = this.sinks.get(ev.storageKey);
    if (sinks) {
      const ns = ev.obj.metadata.namespace;
      for (const s of sinks) if (s.namespace === undefined || s.namespace === ns) s.deliver(ev);
    }
    for (const l of this.listeners) l(ev);
  }
}
