/**
 * Capped exponential backoff with jitter. Jitter spreads the reconnects of many forwarders after an API server
 * restart (the thundering herd client-go's reflector avoids the same way); the cap keeps a long outage from pushing
 * the next attempt out indefinitely.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Fraction (0..1) of each delay that is randomised away: delay ∈ [raw·(1−jitter), raw]. Never above the cap. */
  jitter: number;
}

export const WATCH_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 30_000, factor: 2, jitter: 0.3 };

export class Backoff {
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;
  #attempt = 0;

  constructor(policy: BackoffPolicy, random: () => number = Math.random) {
    if (policy.initialMs <= 0 || policy.maxMs < policy.initialMs || policy.factor < 1) {
      throw new RangeError(`invalid backoff policy ${JSON.stringify(policy)}`);
    }
    if (policy.jitter < 0 || policy.jitter > 1) throw new RangeError('backoff jitter must be within 0..1');
    this.#policy = policy;
    this.#random = random;
  }

  /** Consecutive failures since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.#policy;
    const raw = Math.min(maxMs, initialMs * factor ** this.#attempt);
    this.#attempt++;
    return Math.round(raw * (1 - jitter * this.#random()));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
