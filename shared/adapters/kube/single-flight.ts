/**
 * At most one load per key in flight: callers that ask while it runs share its promise, and the next ask after it
 * settles starts a new one. The cluster-access resolvers wrap their refreshes in it, so a batch of messages for one
 * cluster makes one AWS call, not one per message.
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
