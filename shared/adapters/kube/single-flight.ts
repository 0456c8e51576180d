/**
 * The cluster-access resolvers' caching, in one place: SingleFlight (at most one load per key in flight: callers that
 * ask while it runs share its promise, and the next ask after it settles starts a new one), and TtlCache over it. A
 * batch of messages for one cluster makes one AWS call, not one per message.
 */
export class SingleFlight<V> {
  readonly #inFlight = new Map<string, Promise<V>>();

  run(key: string, load: () => Promise<V>): Promise<V> {
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      pending = load().finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }
}

/**
 * A value per key, fresh for `ttlMs` after it was loaded, loaded single-flight. No stale-on-error: once the TTL has
 * passed, a failed load fails the call (and forgets the entry). `load` gets the value it replaces, so a resolver can
 * keep the same instance when nothing changed.
 */
export class TtlCache<V> {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { value: V; fetchedAt: number }>();
  readonly #loading = new SingleFlight<V>();

  constructor(opts: { ttlMs: number; now?: () => number }) {
    this.#ttlMs = opts.ttlMs;
    this.#now = opts.now ?? Date.now;
  }

  get(key: string, load: (previous: V | undefined) => Promise<V>): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && this.#now() - entry.fetchedAt < this.#ttlMs) return Promise.resolve(entry.value);
    return this.#loading.run(key, async () => {
      try {
        const value = await load(entry?.value);
        this.#entries.set(key, { value, fetchedAt: this.#now() });
        return value;
      } catch (err) {
        this.#entries.delete(key);
        throw err;
      }
    });
  }
}
