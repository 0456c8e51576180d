/**
 * The controller skeleton every local controller shares: ListWatches feed keys into one WorkQueue; reconcile runs
 * at most once per key at a time and reads the ListWatch caches (level-triggered: it looks at current state, never
 * at the event that woke it).
 */
import { ListWatch, type KubeObject, type ListResult } from './list-watch.ts';
import { WorkQueue, type ReconcileResult } from './work-queue.ts';
import type { KubeApis } from './kube.ts';
import type { Logger } from './log.ts';

export interface SourceSpec<T extends KubeObject> {
  name: string;
  path: string;
  list: () => Promise<ListResult<T>>;
  /** Which reconcile keys an object of this kind affects. */
  keysFor: (obj: T) => string[];
}

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
      new ListWatch<KubeObject>({
        name: `${opts.name}/${s.name}`,
        watch: opts.apis.watch,
        path: s.path,
        list: s.list,
        onChange: (obj) => enqueue(s.keysFor(obj)),
        onDelete: (obj) => enqueue(s.keysFor(obj)),
        log: opts.log,
      }),
  );
  watches.forEach((w) => w.start());
  synced = Promise.all(watches.map((w) => w.synced)).then(() => undefined);
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
