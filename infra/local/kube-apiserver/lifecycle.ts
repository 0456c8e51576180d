/**
 * Controllers the real control plane runs next to the API server, reduced to what the stack relies on:
 * - garbage collector (background propagation): when an owner is removed, dependents whose every owner is gone are
 *   deleted; dependents that still have a live owner just lose the dangling reference. Orphan/Foreground are treated
 *   as Background.
 * - namespace lifecycle: a Terminating namespace has its contents deleted, and is removed once empty.
 * Both run after the triggering write has answered (setImmediate), like the asynchronous real controllers.
 */
import { ApiError } from './errors.ts';
import { type Operations, namespaceType } from './operations.ts';
import type { StoredEvent } from './store.ts';
import type { KubeObject } from './types.ts';

interface DependentRef {
  storageKey: string;
  namespace: string;
  name: string;
}

export class Lifecycle {
  private readonly ops: Operations;
  /** owner uid -> dependents ("storageKey|namespace|name" -> ref), maintained from the event stream. */
  private readonly dependents = new Map<string, Map<string, DependentRef>>();
  private readonly pending = new Set<string>();
  private scheduled = false;
  private readonly onError: (err: unknown, what: string) => void;

  constructor(ops: Operations, onError: (err: unknown, what: string) => void) {
    this.ops = ops;
    this.onError = onError;
    for (const { storageKey, obj } of ops.store.snapshot().objects) this.index(storageKey, undefined, obj);
    ops.store.onEvent((ev) => this.observe(ev));
  }

  private index(storageKey: string, prev: KubeObject | undefined, next: KubeObject | undefined): void {
    const ref = (o: KubeObject): string => `${storageKey}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
    for (const o of prev?.metadata.ownerReferences ?? []) this.dependents.get(o.uid)?.delete(ref(prev!));
    for (const o of next?.metadata.ownerReferences ?? []) {
      let m = this.dependents.get(o.uid);
      if (!m) this.dependents.set(o.uid, (m = new Map<string, DependentRef>()));
      m.set(ref(next!), { storageKey, namespace: next!.metadata.namespace ?? '', name: next!.metadata.name! });
    }
  }

  private observe(ev: StoredEvent): void {
    this.index(ev.storageKey, ev.prev, ev.type === 'DELETED' ? undefined : ev.obj);
    const nsKey = namespaceType(this.ops.registry).storageKey;
    if (ev.type === 'DELETED') {
      const uid = ev.obj.metadata.uid;
      if (uid && this.dependents.has(uid)) this.enqueue(`gc|${uid}|${ev.obj.metadata.namespace ?? ''}`);
      if (ev.obj.metadata.namespace) this.enqueue(`ns|${ev.obj.metadata.namespace}`);
    } else if (ev.storageKey === nsKey && ev.obj.metadata.deletionTimestamp) {
      this.enqueue(`ns|${ev.obj.metadata.name}`);
    }
  }

  private enqueue(task: string): void {
    this.pending.add(task);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const tasks = [...this.pending];
      this.pending.clear();
      for (const t of tasks) {
        try {
          const [kind, a, b] = t.split('|');
          if (kind === 'gc') this.collect(a!, b!);
          else this.finalizeNamespace(a!);
        } catch (err) {
          this.onError(err, t);
        }
      }
    });
  }

  private collect(ownerUid: string, ownerNamespace: string): void {
    const deps = this.dependents.get(ownerUid);
    if (!deps) return;
    for (const ref of [...deps.values()]) {
      // A namespaced owner only owns dependents in its own namespace; a cluster-scoped one owns any.
      if (ownerNamespace && ref.namespace !== ownerNamespace) continue;
      const t = this.ops.registry.forStorage(ref.storageKey);
      const obj = this.ops.store.get(ref.storageKey, ref.namespace, ref.name);
      if (!t || !obj) continue;
      const remaining = (obj.metadata.ownerReferences ?? []).filter((o) => o.uid !== ownerUid && this.ownerExists(o, ref.namespace));
      this.ignoreNotFound(() => {
        if (remaining.length > 0) {
          this.ops.update(t, ref.namespace, ref.name, { ...obj, metadata: { ...obj.metadata, ownerReferences: remaining } }, {}, false);
        } else if (!obj.metadata.deletionTimestamp) {
          this.ops.delete(t, ref.namespace, ref.name, { propagationPolicy: 'Background' });
        }
      });
    }
  }

  private ownerExists(o: { apiVersion: string; kind: string; name: string; uid: string }, namespace: string): boolean {
    const t = this.ops.registry.byKind(o.apiVersion, o.kind);
    if (!t) return false;
    const owner = this.ops.store.get(t.storageKey, t.namespaced ? namespace : '', o.name);
    return owner?.metadata.uid === o.uid;
  }

  private finalizeNamespace(name: string): void {
    const nsType = namespaceType(this.ops.registry);
    const ns = this.ops.store.get(nsType.storageKey, '', name);
    if (!ns?.metadata.deletionTimestamp) return;
    for (const storageKey of this.ops.store.storageKeys()) {
      const t = this.ops.registry.forStorage(storageKey);
      if (!t?.namespaced) continue;
      for (const obj of this.ops.store.list(storageKey, name)) {
        if (!obj.metadata.deletionTimestamp) this.ignoreNotFound(() => this.ops.delete(t, name, obj.metadata.name!, {}));
      }
    }
    if (this.ops.store.countInNamespace(name) === 0 && (ns.metadata.finalizers ?? []).length === 0) {
      this.ops.store.remove(nsType.storageKey, ns);
    }
  }

  private ignoreNotFound(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
