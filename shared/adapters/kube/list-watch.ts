/**
 * The project's one ListWatch (the informer's reflector loop, after kubernetes-client `src/cache.ts` and client-go),
 * used by the forwarder and by the local controllers:
 *
 * - LIST (or, with `watchList`, a watch-list: the initial objects as ADDED events up to the BOOKMARK annotated
 *   `k8s.io/initial-events-end`, falling back to a LIST when the stream ends before it), remember its `metadata.resourceVersion`, WATCH from it with bookmarks; every event and BOOKMARK moves the
 *   resourceVersion forward, so a reconnect resumes exactly where the stream stopped without losing events.
 * - 410 Gone (the server compacted past our resourceVersion) → relist; the relist is diffed against the cache so
 *   objects that changed or vanished meanwhile are reported as modified/deleted, not silently skipped.
 * - any other error, a stream that ends, or one silent for longer than `silenceTimeoutMs` → re-watch from the last
 *   resourceVersion after a capped, jittered exponential backoff, reset once a stream stayed up `healthyAfterMs`.
 *   (client-node's own informer stops on non-410 errors; this one never gives up while started.)
 * - events reach the handler one at a time, in order; a handler error stops the ListWatch and rejects `run()`.
 * - the cache is readable (`get`, `list`): level-triggered callers look at current state, not at the event.
 */
import { Backoff, WATCH_BACKOFF } from '../../time/backoff.ts';
import { systemClock, type Clock, type TimerHandle } from '../../time/clock.ts';
import { silentLogger, type Logger } from '../../logging.ts';
import {
  INITIAL_EVENTS_END,
  isGone,
  keyOf,
  type KubeObject,
  type ListWatchSource,
  type RawWatchEvent,
  type WatchHandle,
} from './list-watch-source.ts';

export type ListWatchEvent<T> =
  | { type: 'added'; object: T }
  | { type: 'modified'; object: T; old: T }
  | { type: 'deleted'; object: T }
  | { type: 'synced'; objects: T[] };

type ListWatchHandler<T> = (event: ListWatchEvent<T>) => void | Promise<void>;

export interface ListWatchOptions<T = KubeObject> {
  clock?: Clock;
  backoff?: Backoff;
  /** A stream silent this long is dead (≈ 2 × the server's bookmark interval). */
  silenceTimeoutMs?: number;
  /** A stream that stayed up this long resets the backoff. */
  healthyAfterMs?: number;
  logger?: Logger;
  onWatchRestart?: (reason: string) => void;
  onRelist?: () => void;
  /**
   * Applied to every object before it is cached and handed on (client-go's TransformFunc): keeps only what the
   * handler reads, so a watch of many objects stays small in memory.
   */
  transform?: (object: T) => T;
  /** Start (and relist) with a watch-list instead of a LIST; a watch-list that fails falls back to one LIST. */
  watchList?: boolean;
}

type Phase = 'idle' | 'listing' | 'watching' | 'waiting' | 'stopped';

export class ListWatch<T extends KubeObject> {
  readonly #source: ListWatchSource<T>;
  readonly #handler: ListWatchHandler<T>;
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  readonly #silenceMs: number;
  readonly #healthyAfterMs: number;
  readonly #log: Logger;
  readonly #opts: ListWatchOptions<T>;
  readonly #transform: (object: T) => T;

  readonly #cache = new Map<string, T>();
  #resourceVersion = '';
  #phase: Phase = 'idle';
  /** Incremented at every list/watch start and every end: callbacks from an older session are ignored. */
  #session = 0;
  #lists = 0;
  #synced = false;
  #watchStartedAt = 0;
  #lastWatchingAt = 0;
  #handle: WatchHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #silenceTimer: TimerHandle | undefined;
  #chain: Promise<void> = Promise.resolve();
  #settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  /** The objects of a watch-list's initial events, until its end bookmark; undefined otherwise. */
  #initial: Map<string, T> | undefined;
  /** The last watch-list failed: the next (re)list is a plain LIST. */
  #listFallback = false;
  #onSynced: Array<() => void> = [];

  constructor(source: ListWatchSource<T>, handler: ListWatchHandler<T>, opts: ListWatchOptions<T> = {}) {
    this.#source = source;
    this.#handler = handler;
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#backoff = opts.backoff ?? new Backoff(WATCH_BACKOFF);
    this.#silenceMs = opts.silenceTimeoutMs ?? 60_000;
    this.#healthyAfterMs = opts.healthyAfterMs ?? 30_000;
    this.#log = opts.logger ?? silentLogger;
    this.#transform = opts.transform ?? ((o) => o);
  }

  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  /** The first list has been handed to the handler. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Synced, and watching now or within the last `healthyAfterMs` (a reconnect gap is not an outage). */
  get healthy(): boolean {
    if (!this.#synced || this.#phase === 'stopped') return false;
    return this.#phase === 'watching' || this.#clock.now() - this.#lastWatchingAt < this.#healthyAfterMs;
  }

  /** The cached object under `namespace/name` (`name` when cluster-scoped). */
  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  /** Every cached object. */
  list(): T[] {
    return [...this.#cache.values()];
  }

  /** Resolves once the first list has been handed to the handler. */
  whenSynced(): Promise<void> {
    return this.#synced ? Promise.resolve() : new Promise((resolve) => this.#onSynced.push(resolve));
  }

  /** Runs until `stop()` (resolves) or until the handler throws (rejects with its error). */
  run(): Promise<void> {
    if (this.#phase !== 'idle') throw new Error('ListWatch.run() may be called once');
    const done = new Promise<void>((resolve, reject) => (this.#settle = { resolve, reject }));
    void this.#list();
    return done;
  }

  /** Stops at once: aborts the stream and cancels timers; waits for the event being handled to finish. */
  async stop(): Promise<void> {
    if (this.#phase === 'stopped') return;
    this.#halt();
    await this.#chain;
    this.#settle?.resolve();
  }

  #halt(): void {
    this.#phase = 'stopped';
    this.#session++;
    this.#retryTimer?.cancel();
    this.#silenceTimer?.cancel();
    this.#handle?.abort();
    this.#handle = undefined;
  }

  async #list(): Promise<void> {
    if (this.#opts.watchList === true && !this.#listFallback) {
      this.#initial = new Map();
      void this.#watch({ sendInitialEvents: true });
      return;
    }
    this.#listFallback = false;
    const session = ++this.#session;
    this.#phase = 'listing';
    let result;
    try {
      result = await this.#source.list(this.#transform);
    } catch (err) {
      if (session !== this.#session) return;
      const delayMs = this.#backoff.next();
      this.#log.warn('list failed; retrying', { err, delayMs, attempt: this.#backoff.attempt });
      this.#schedule('list', delayMs);
      return;
    }
    if (session !== this.#session) return;
    this.#resourceVersion = result.resourceVersion;
    this.#applyList(result.items);
    void this.#watch();
  }

  /** Diffs a (re)list (objects already transformed) against the cache, as the informer's Replace does, then reports `synced`. */
  #applyList(items: Iterable<T>): void {
    if (this.#lists++ > 0) this.#opts.onRelist?.();
    const seen = new Set<string>();
    for (const object of items) {
      const key = keyOf(object);
      seen.add(key);
      const old = this.#cache.get(key);
      this.#cache.set(key, object);
      if (old === undefined) this.#emit({ type: 'added', object });
      else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion)
        this.#emit({ type: 'modified', object, old });
    }
    for (const [key, object] of [...this.#cache]) {
      if (seen.has(key)) continue;
      this.#cache.delete(key);
      this.#emit({ type: 'deleted', object });
    }
    // Marked before the handler sees `synced`, so the handler may already ask `synced`/`healthy`.
    this.#chain = this.#chain.then(() => {
      this.#synced = true;
      for (const resolve of this.#onSynced.splice(0)) resolve();
    });
    this.#emit({ type: 'synced', objects: [...this.#cache.values()] });
  }

  async #watch(options?: { sendInitialEvents: true }): Promise<void> {
    const session = ++this.#session;
    this.#phase = 'watching';
    this.#watchStartedAt = this.#clock.now();
    this.#lastWatchingAt = this.#watchStartedAt;
    this.#armSilence(session);
    let handle: WatchHandle;
    try {
      handle = await this.#source.watch(
        options === undefined ? this.#resourceVersion : '',
        (e) => this.#onEvent(session, e),
        (err) => this.#onEnd(session, err),
        options,
      );
    } catch (err) {
      this.#onEnd(session, err);
      return;
    }
    if (session !== this.#session) handle.abort();
    else this.#handle = handle;
  }

  #onEvent(session: number, e: RawWatchEvent<T>): void {
    if (session !== this.#session) return;
    this.#lastWatchingAt = this.#clock.now();
    this.#armSilence(session);
    if (e.type === 'ERROR') {
      this.#end(isGone(e.object) ? 'gone' : 'error', e.object);
      return;
    }
    const rv = e.object.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '') this.#resourceVersion = rv;
    if (this.#initial !== undefined) {
      this.#onInitialEvent(e.type, e.object);
      return;
    }
    if (e.type === 'BOOKMARK') return;
    const object = this.#transform(e.object);
    const key = keyOf(object);
    const old = this.#cache.get(key);
    if (e.type === 'DELETED') {
      this.#cache.delete(key);
      this.#emit({ type: 'deleted', object });
      return;
    }
    this.#cache.set(key, object);
    this.#emit(old === undefined ? { type: 'added', object } : { type: 'modified', object, old });
  }

  /** A watch-list's initial phase: gather the ADDED objects; its end bookmark makes them the list. */
  #onInitialEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', object: T): void {
    const initial = this.#initial!;
    if (type === 'BOOKMARK') {
      if (object.metadata?.annotations?.[INITIAL_EVENTS_END] !== 'true') return;
      this.#initial = undefined;
      this.#applyList(initial.values());
      return;
    }
    if (type === 'DELETED') initial.delete(keyOf(object));
    else initial.set(keyOf(object), this.#transform(object));
  }

  #onEnd(session: number, err: unknown): void {
    if (session !== this.#session) return;
    if (err === undefined || err === null) this.#end('closed');
    else this.#end(isGone(err) ? 'gone' : 'error', err);
  }

  #end(reason: 'gone' | 'error' | 'closed' | 'silent', err?: unknown): void {
    this.#session++;
    this.#silenceTimer?.cancel();
    this.#handle?.abort();
    this.#handle = undefined;
    this.#opts.onWatchRestart?.(reason);
    // A stream that lived long enough was healthy: its end (e.g. the server's watch timeout) is routine, so
    // reconnect at once; repeated short-lived streams back off.
    const healthy = this.#clock.now() - this.#watchStartedAt >= this.#healthyAfterMs;
    if (healthy) this.#backoff.reset();
    const delayMs = healthy ? 0 : this.#backoff.next();
    // A watch-list that ended before its end bookmark has listed nothing: relist, with a plain LIST this time
    // (the server may not serve watch-lists at all).
    const initialPhase = this.#initial !== undefined;
    this.#initial = undefined;
    if (initialPhase) this.#listFallback = true;
    const next = reason === 'gone' || initialPhase ? 'list' : 'watch';
    this.#log.info('watch ended', { reason, next, delayMs, resourceVersion: this.#resourceVersion, err });
    this.#schedule(next, delayMs);
  }

  #schedule(next: 'list' | 'watch', delayMs: number): void {
    this.#phase = 'waiting';
    this.#retryTimer?.cancel();
    this.#retryTimer = this.#clock.setTimer(delayMs, () => {
      this.#retryTimer = undefined;
      if (this.#phase === 'stopped') return;
      if (next === 'list') void this.#list();
      else void this.#watch();
    });
  }

  #armSilence(session: number): void {
    this.#silenceTimer?.cancel();
    this.#silenceTimer = this.#clock.setTimer(this.#silenceMs, () => {
      if (session === this.#session) this.#end('silent');
    });
  }

  #emit(event: ListWatchEvent<T>): void {
    this.#chain = this.#chain
      .then(() => (this.#phase === 'stopped' ? undefined : this.#handler(event)))
      .catch((err: unknown) => this.#fail(err));
  }

  #fail(err: unknown): void {
    if (this.#phase === 'stopped') return;
    this.#log.error('event handler failed; stopping the watch', { err });
    this.#halt();
    this.#settle?.reject(err);
  }
}
