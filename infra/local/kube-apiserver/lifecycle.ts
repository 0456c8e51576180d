/**
 * Controllers the real control plane runs next to the API server, reduced to what the stack relies on:
 * - garbage collector (background propagation), like kube-controller-manager's: a dependent is checked whenever it is
 *   written (and once at startup, for objects loaded from a snapshot) and whenever one of its owners is removed. An
 *   owner is live when an object of its kind, name and uid exists. When none of the dependent's owners is live it is
 *   deleted; when some are, the dangling references are dropped. Checking every write matters: controllers work from
 *   lagging caches and create children after their owner is gone. Orphan/Foreground are treated as Background.
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

type OwnerRef = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

/** `unknown`: the owner's kind is not served, so the real GC cannot look it up and never deletes (it retries). */
type OwnerState = 'live' | 'absent' | 'unknown';

const dependentTask = (ref: DependentRef): string => `gc|${ref.storageKey}|${ref.namespace}|${ref.name}`;

export class Lifecycle {
  private readonly ops: Operations;
  /** owner uid -> dependents (task key -> ref), maintained from the event stream. */
  private readonly dependents = new Map<string, Map<string, DependentRef>>();
  private readonly pending = new Set<string>();
  private scheduled = false;
  private readonly onError: (err: unknown, what: string) => void;

  constructor(ops: Operations, onError: (err: unknown, what: string) => void) {
    this.ops = ops;
    this.onError = onError;
    for (const { storageKey, obj } of ops.store.snapshot().objects) {
      this.index(storageKey, undefined, obj);
      // Startup sweep: a snapshot can hold dependents whose owners were removed while nothing was checking.
      if (obj.metadata.ownerReferences?.length) this.enqueue(dependentTask(refOf(storageKey, obj)));
    }
    ops.store.onEvent((ev) => this.observe(ev));
  }

  private index(storageKey: string, prev: KubeObject | undefined, next: KubeObject | undefined): void {
    for (const o of prev?.metadata.ownerReferences ?? []) {
      const m = this.dependents.get(o.uid);
      m?.delete(dependentTask(refOf(storageKey, prev!)));
      if (m?.size === 0) this.dependents.delete(o.uid);
    }
    for (const o of next?.metadata.ownerReferences ?? []) {
      let m = this.dependents.get(o.uid);
      if (!m) this.dependents.set(o.uid, (m = new Map<string, DependentRef>()));
      const ref = refOf(storageKey, next!);
      m.set(dependentTask(ref), ref);
    }
  }

  private observe(ev: StoredEvent): void {
    this.index(ev.storageKey, ev.prev, ev.type === 'DELETED' ? undefined : ev.obj);
    const nsKey = namespaceType(this.ops.registry).storageKey;
    if (ev.type === 'DELETED') {
      const uid = ev.obj.metadata.uid;
      const deps = uid ? this.dependents.get(uid) : undefined;
      for (const ref of deps?.values() ?? []) this.enqueue(dependentTask(ref));
      if (ev.obj.metadata.namespace) this.enqueue(`ns|${ev.obj.metadata.namespace}`);
      return;
    }
    if (ev.obj.metadata.ownerReferences?.length) this.enqueue(dependentTask(refOf(ev.storageKey, ev.obj)));
    if (ev.storageKey === nsKey && ev.obj.metadata.deletionTimestamp) this.enqueue(`ns|${ev.obj.metadata.name}`);
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
          const [kind, a, b, c] = t.split('|');
          if (kind === 'gc') this.checkOwners({ storageKey: a!, namespace: b!, name: c! });
          else this.finalizeNamespace(a!);
        } catch (err) {
          this.onError(err, t);
        }
      }
    });
  }

  /** The real GC's attemptToDeleteItem: delete when no owner is live, else drop the absent owners' references. */
  private checkOwners(ref: DependentRef): void {
    const t = this.ops.registry.forStorage(ref.storageKey);
    const obj = this.ops.store.get(ref.storageKey, ref.namespace, ref.name);
    // An object already being deleted is left to its deletion (the real GC returns at once too).
    if (!t || !obj || obj.metadata.deletionTimestamp) return;
    const refs = obj.metadata.ownerReferences ?? [];
    const kept = refs.filter((o) => this.ownerState(o, ref.namespace) !== 'absent');
    if (kept.length === refs.length) return;
    this.ignoreNotFound(() => {
      if (kept.length > 0) {
        this.ops.update(
          t,
          ref.namespace,
          ref.name,
          { ...obj, metadata: { ...obj.metadata, ownerReferences: kept } },
          {},
          false,
        );
      } else {
        this.ops.delete(t, ref.namespace, ref.name, { propagationPolicy: 'Background' });
      }
    });
  }

  /** A namespaced owner is looked up in the dependent's namespace (owner references cannot cross namespaces). */
  private ownerState(o: OwnerRef, namespace: string): OwnerState {
    const t = this.ops.registry.byKind(o.apiVersion, o.kind);
    if (!t) return 'unknown';
    const owner = this.ops.store.get(t.storageKey, t.namespaced ? namespace : '', o.name);
    return owner?.metadata.uid === o.uid ? 'live' : 'absent';
  }

  private finalizeNamespace(name: string): void {
    const nsType = namespaceType(this.ops.registry);
    const ns = this.ops.store.get(nsType.storageKey, '', name);
    if (!ns?.metadata.deletionTimestamp) return;
    for (const storageKey of this.ops.store.storageKeys()) {
      const t = this.ops.registry.forStorage(storageKey);
      if (!t?.namespaced) continue;
      for (const obj of this.ops.store.list(storageKey, name)) {
        if (!obj.metadata.deletionTimestamp)
          this.ignoreNotFound(() => this.ops.delete(t, name, obj.metadata.name!, {}));
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

function refOf(storageKey: string, obj: KubeObject): DependentRef {
  return { storageKey, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name! };
}
