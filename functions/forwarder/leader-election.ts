/**
 * Lease-based leader election (`coordination.k8s.io/v1` Lease), as client-go's leaderelection does it:
 *
 * - acquire when the Lease is absent, released (empty holderIdentity) or expired (renewTime + leaseDurationSeconds
 *   < now); the write carries the resourceVersion read, so of two candidates only one wins (the other gets 409);
 * - the leader renews every `renewIntervalMs`; if it cannot renew for `renewDeadlineMs` (< leaseDuration) it stops
 *   leading on its own, before anyone else may consider the Lease expired — so two leaders never overlap as long as
 *   clocks agree within leaseDuration − renewDeadline;
 * - a graceful stop releases the Lease (holderIdentity "", leaseDurationSeconds 1) so a follower takes over at its
 *   next retry instead of waiting out the full duration.
 */
import { ConflictError } from '../../shared/errors.ts';
import { systemClock, type Clock, type TimerHandle } from '../../shared/time/clock.ts';
import { silentLogger, type Logger } from '../../shared/logging.ts';

export interface LeaseSpec {
  /** "" = released. */
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** Epoch milliseconds. */
  acquireTime?: number;
  renewTime?: number;
  leaseTransitions: number;
}

export interface LeaseRecord extends LeaseSpec {
  resourceVersion: string;
}

/** Another writer changed or created the Lease first (HTTP 409). */
export class LeaseConflictError extends ConflictError {
  override name = 'LeaseConflictError';
}

/** The Lease as a port: the Kubernetes adapter is kube-lease-store.ts; unit tests use an in-memory one. */
export interface LeaseStore {
  get(): Promise<LeaseRecord | undefined>;
  /** Throws LeaseConflictError if it already exists. */
  create(spec: LeaseSpec): Promise<LeaseRecord>;
  /** Throws LeaseConflictError if `resourceVersion` is no longer current. */
  update(spec: LeaseSpec, resourceVersion: string): Promise<LeaseRecord>;
}

export interface LeaderElectionOptions {
  store: LeaseStore;
  identity: string;
  leaseDurationMs?: number;
  renewIntervalMs?: number;
  renewDeadlineMs?: number;
  /** How often a follower retries. Default: renewIntervalMs. */
  retryIntervalMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Called synchronously on every change, so forwarding stops the moment leadership is lost. */
  onLeadershipChange: (leading: boolean) => void;
  /** Called after every attempt to acquire or renew (readiness bookkeeping). */
  onTick?: () => void;
}

export const isLeaseFree = (lease: LeaseSpec, now: number): boolean =>
  lease.holderIdentity === '' ||
  lease.renewTime === undefined ||
  lease.renewTime + lease.leaseDurationSeconds * 1000 < now;

export class LeaderElector {
  readonly #store: LeaseStore;
  readonly #identity: string;
  readonly #leaseSeconds: number;
  readonly #renewMs: number;
  readonly #deadlineMs: number;
  readonly #retryMs: number;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #onChange: (leading: boolean) => void;
  readonly #onTick: () => void;
  #leading = false;
  #healthy = false;
  #running = false;
  #lastRenewAt = 0;
  #tickTimer: TimerHandle | undefined;
  #deadlineTimer: TimerHandle | undefined;
  #ticking: Promise<void> = Promise.resolve();

  constructor(opts: LeaderElectionOptions) {
    this.#store = opts.store;
    this.#identity = opts.identity;
    const leaseMs = opts.leaseDurationMs ?? 15_000;
    this.#leaseSeconds = Math.max(1, Math.ceil(leaseMs / 1000));
    this.#renewMs = opts.renewIntervalMs ?? 5_000;
    this.#deadlineMs = opts.renewDeadlineMs ?? Math.floor((this.#leaseSeconds * 1000 * 2) / 3);
    this.#retryMs = opts.retryIntervalMs ?? this.#renewMs;
    if (this.#renewMs >= this.#deadlineMs || this.#deadlineMs >= this.#leaseSeconds * 1000) {
      throw new RangeError('leader election needs renewInterval < renewDeadline < leaseDuration');
    }
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.logger ?? silentLogger;
    this.#onChange = opts.onLeadershipChange;
    this.#onTick = opts.onTick ?? (() => {});
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** The last call to the Lease API succeeded (a conflict is a healthy answer). */
  get healthy(): boolean {
    return this.#healthy;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#runTick();
  }

  /** Stops trying; if leading, stops leading at once and releases the Lease. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#tickTimer?.cancel();
    await this.#ticking;
    if (this.#leading) {
      this.#setLeading(false);
      await this.#release();
    }
  }

  #runTick(): void {
    this.#ticking = this.#tick().finally(() => {
      this.#onTick();
      if (this.#running)
        this.#tickTimer = this.#clock.setTimer(this.#leading ? this.#renewMs : this.#retryMs, () => this.#runTick());
    });
  }

  async #tick(): Promise<void> {
    try {
      await this.#tryAcquireOrRenew();
      this.#healthy = true;
    } catch (err) {
      if (err instanceof LeaseConflictError) {
        this.#healthy = true;
        // Someone else wrote the Lease between our read and write. A leader steps down at once rather than risk an
        // overlap; if the Lease is still ours the next tick takes it back.
        this.#log.info('lease conflict', { leading: this.#leading });
        if (this.#leading) this.#setLeading(false);
        return;
      }
      this.#healthy = false;
      this.#log.warn('lease request failed', { err, leading: this.#leading });
    }
  }

  async #tryAcquireOrRenew(): Promise<void> {
    const current = await this.#store.get();
    if (!this.#running) return;
    const now = this.#clock.now();
    if (current === undefined) {
      await this.#store.create(this.#spec(now, now, 0));
      this.#renewed();
      return;
    }
    if (current.holderIdentity === this.#identity && this.#leading) {
      await this.#store.update(
        this.#spec(current.acquireTime ?? now, now, current.leaseTransitions),
        current.resourceVersion,
      );
      this.#renewed();
      return;
    }
    if (current.holderIdentity !== this.#identity && !isLeaseFree(current, now)) {
      if (this.#leading) {
        this.#log.warn('lease held by another replica', { holder: current.holderIdentity });
        this.#setLeading(false);
      }
      return;
    }
    // Free, expired, or ours from an earlier life of this identity: take it (a new transition).
    await this.#store.update(this.#spec(now, now, current.leaseTransitions + 1), current.resourceVersion);
    this.#renewed();
  }

  #spec(acquireTime: number, renewTime: number, leaseTransitions: number): LeaseSpec {
    return {
      holderIdentity: this.#identity,
      leaseDurationSeconds: this.#leaseSeconds,
      acquireTime,
      renewTime,
      leaseTransitions,
    };
  }

  #renewed(): void {
    this.#lastRenewAt = this.#clock.now();
    this.#deadlineTimer?.cancel();
    this.#deadlineTimer = this.#clock.setTimer(this.#deadlineMs, () => this.#deadlinePassed());
    if (!this.#leading && this.#running) this.#setLeading(true);
  }

  /** Not renewed within renewDeadline (API down, or a request hanging): step down before the Lease can expire. */
  #deadlinePassed(): void {
    if (!this.#leading) return;
    this.#log.warn('lease not renewed within the renew deadline; stepping down', {
      sinceLastRenewMs: this.#clock.now() - this.#lastRenewAt,
    });
    this.#setLeading(false);
  }

  #setLeading(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    if (!leading) this.#deadlineTimer?.cancel();
    this.#log.info(leading ? 'became leader' : 'stopped leading', { identity: this.#identity });
    this.#onChange(leading);
  }

  async #release(): Promise<void> {
    try {
      const current = await this.#store.get();
      if (current?.holderIdentity !== this.#identity) return;
      const now = this.#clock.now();
      await this.#store.update(
        {
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: current.acquireTime,
          renewTime: now,
          leaseTransitions: current.leaseTransitions,
        },
        current.resourceVersion,
      );
      this.#log.info('lease released', { identity: this.#identity });
    } catch (err) {
      // Not fatal: the Lease then simply expires after leaseDurationSeconds.
      this.#log.warn('lease release failed; it will expire instead', { err });
    }
  }
}
