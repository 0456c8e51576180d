/**
 * A ListWatch that keeps running. client-node's informer stops on the first watch error, so this one follows the
 * reflector contract of client-go / kubernetes-client/javascript cache.ts instead:
 * - list, then watch from the list's resourceVersion (with bookmarks, so the resume point stays fresh);
 * - a watch that ends normally (server timeout, client inactivity timeout) is resumed from the last resourceVersion;
 * - 410 Gone (HTTP status or an ERROR event) means the resume point was compacted away: relist;
 * - any other error: relist after a capped exponential backoff.
 * A relist diffs against the cache, so handlers see deletions that happened while the watch was down.
 */
import type { Watch } from '@kubernetes/client-node';
import { httpStatus, keyOf } from './kube.ts';
import type { Logger } from './log.ts';

export interface KubeObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string } | undefined;
}

export interface ListResult<T> {
  items: T[];
  metadata?: { resourceVersion?: string | undefined } | undefined;
}

export interface ListWatchOptions<T extends KubeObject> {
  name: string;
  watch: Watch;
  /** Path of the collection, e.g. /api/v1/pods or /apis/kubedb.com/v1/redises. */
  path: string;
  list: () => Promise<ListResult<T>>;
  onChange: (obj: T) => void;
  onDelete: (obj: T) => void;
  log: Logger;
  backoff?: { initialMs: number; maxMs: number };
}

type WatchOutcome = 'ended' | 'gone';

export class ListWatch<T extends KubeObject> {
  readonly cache = new Map<string, T>();
  private readonly opts: ListWatchOptions<T>;
  private stopped = false;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  private resourceVersion = '';
  private loop: Promise<void> | undefined;
  private syncedResolve!: () => void;
  /** Resolves after the first successful list. */
  readonly synced: Promise<void>;

  constructor(opts: ListWatchOptions<T>) {
    this.opts = opts;
    this.synced = new Promise((resolve) => (this.syncedResolve = resolve));
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  private async run(): Promise<void> {
    const { initialMs, maxMs } = this.opts.backoff ?? { initialMs: 100, maxMs: 5000 };
    let delay = initialMs;
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        const outcome = await this.watchOnce();
        if (outcome === 'gone') needList = true;
        delay = initialMs;
      } catch (err) {
        if (this.stopped) break;
        this.opts.log.warn(`${this.opts.name}: list/watch failed; relisting in ${delay}ms`, { err });
        await this.sleep(delay);
        delay = Math.min(delay * 2, maxMs);
        needList = true;
      }
    }
  }

  private async relist(): Promise<void> {
    const result = await this.opts.list();
    const seen = new Set<string>();
    for (const obj of result.items) {
      const key = keyOf(obj.metadata);
      seen.add(key);
      const old = this.cache.get(key);
      this.cache.set(key, obj);
      if (old?.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.opts.onChange(obj);
    }
    for (const [key, old] of this.cache) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        this.opts.onDelete(old);
      }
    }
    this.resourceVersion = result.metadata?.resourceVersion ?? '';
    this.syncedResolve();
  }

  private watchOnce(): Promise<WatchOutcome> {
    return new Promise<WatchOutcome>((resolve, reject) => {
      let gone = false;
      const onEvent = (type: string, obj: unknown): void => {
        if (type === 'ERROR') {
          const status = obj as { code?: number };
          if (status.code === 410) gone = true;
          else this.opts.log.warn(`${this.opts.name}: watch ERROR event`, { status });
          this.abort?.abort();
          return;
        }
        this.apply(type, obj as T);
      };
      const onDone = (err: unknown): void => {
        if (this.stopped || gone || !err) return resolve(gone ? 'gone' : 'ended');
        if (httpStatus(err) === 410) return resolve('gone');
        // client-node aborts a watch after 30s without bytes; that is a normal end, resume from the last RV.
        if (err instanceof Error && err.name === 'TimeoutError') return resolve('ended');
        reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
      };
      const params = { allowWatchBookmarks: true, resourceVersion: this.resourceVersion, timeoutSeconds: 25 };
      this.opts.watch.watch(this.opts.path, params, onEvent, onDone).then(
        (controller) => {
          this.abort = controller;
          if (this.stopped) controller.abort();
        },
        (err: unknown) => onDone(err ?? new Error('watch failed')),
      );
    });
  }

  private apply(type: string, obj: T): void {
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (type === 'BOOKMARK') return;
    const key = keyOf(obj.metadata);
    if (type === 'DELETED') {
      this.cache.delete(key);
      this.opts.onDelete(obj);
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      this.cache.set(key, obj);
      this.opts.onChange(obj);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
