/**
 * The controller skeleton every local controller shares: ListWatches feed keys into one WorkQueue; reconcile runs
 * at most once per key at a time and reads the ListWatch caches (level-triggered: it looks at current state, never
 * at the event that woke it).
 */
import { ListWatch } from '../../../../shared/adapters/kube/list-watch.ts';
import type { KubeObject } from '../../../../shared/adapters/kube/list-watch-source.ts';
import { watchSource, type ListPage } from '../../../../shared/adapters/kube/kube-watch-source.ts';
import { Backoff } from '../../../../shared/time/backoff.ts';
import { WorkQueue, type ReconcileResult } from './work-queue.ts';
import type { KubeApis } from './kube.ts';
import type { Logger } from './log.ts';

export interface SourceSpec<T extends KubeObject> {
  name: string;
  path: string;
  /** The whole collection in one LIST (the local API server's lists are small). */
  list: () => Promise<ListPage<T>>;
  /** Which reconcile keys an object of this kind affects. */
  keysFor: (obj: T) => string[];
}

/** A local test double recovers fast: short backoff, no jitter needed with one client per controller. */
const CONTROLLER_BACKOFF = { initialMs: 100, maxMs: 5000, factor: 2, jitter: 0 };
/** Below client-node's 30 s no-bytes abort, so a quiet stream ends cleanly and is resumed. */
const WATCH_TIMEOUT_SECONDS = 25;

export interface Controller {
  queue: WorkQueue;
  stop(): Promise<void>;
  /** Resolves when every source has listed once. */
  synced: Promise<void>;
}

// The sources are heterogeneous; each is only used through its own keysFor.
export function source<T extends KubeObject>(spec: SourceSpec<T>): SourceSpec<KubeObject> {
  return spec as unknown as SourceSpec<KubeObject>;
}

export function runController(opts: {
  name: string;
  apis: KubeApis;
  log: Logger;
  sources: SourceSpec<KubeObject>[];
  reconcile: (key: string) => Promise<ReconcileResult>;
  concurrency?: number;
}): Controller & { watches: ListWatch<KubeObject>[] } {
  let synced: Promise<void> = Promise.resolve();
  const queue = new WorkQueue({
    name: opts.name,
    // Reconciling before every cache has listed once would act on a partial view (e.g. "secret not found").
    reconcile: async (key) => {
      await synced;
      return opts.reconcile(key);
    },
    log: opts.log,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
  });
  const enqueue = (keys: string[]): void => keys.forEach((k) => queue.add(k));
  const watches = opts.sources.map(
    (s) =>
      new ListWatch<KubeObject>(
        watchSource({ watch: opts.apis.watch, path: s.path, listPage: s.list, timeoutSeconds: WATCH_TIMEOUT_SECONDS }),
        (e) => {
          if (e.type !== 'synced') enqueue(s.keysFor(e.object));
        },
        { logger: opts.log, backoff: new Backoff(CONTROLLER_BACKOFF) },
      ),
  );
  for (const w of watches) {
    // The handler only enqueues keys and never throws, so run() settles only when stopped.
    w.run().catch((err: unknown) => opts.log.error(`${opts.name}: watch stopped`, { err }));
  }
  synced = Promise.all(watches.map((w) => w.whenSynced())).then(() => undefined);
  return {
    queue,
    watches,
    synced,
    async stop() {
      await queue.stop();
      await Promise.all(watches.map((w) => w.stop()));
    },
  };
}
