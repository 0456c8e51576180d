/**
 * Run-time fault injection for tests and benchmarks: per-verb error rates or "fail the next N", added latency,
 * dropping every open watch, and forcing 410 Gone on watches. Deterministic when `random` is replaced.
 */
import { ApiError } from './errors.ts';
import type { Verb } from './types.ts';

export type FaultVerb = Exclude<Verb, 'deletecollection'>;
export type FaultCode = 429 | 500 | 503;

export interface VerbFault {
  /** Probability (0..1) that a request fails, decided with `random()`. */
  errorRate?: number;
  /** Fail exactly the next N requests of this verb (checked before errorRate). */
  failNext?: number;
  code?: FaultCode;
  latencyMs?: number;
  /**
   * Only requests on these resources (plural names, e.g. `redisopsrequests`) are slowed or failed; default every
   * resource. A slow admission webhook or an overloaded etcd range hits some resources and not others.
   */
  resources?: string[];
}

const REASONS: Record<FaultCode, string> = { 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' };

export interface WatchControl {
  drop(): void;
  gone(): void;
}

export class FaultInjector {
  /** Replace for deterministic error rates (e.g. a seeded generator). */
  random: () => number = Math.random;
  private readonly faults = new Map<FaultVerb, VerbFault>();
  private goneBudget = 0;
  /** Open watch streams, registered by the watch handler. */
  readonly watches = new Set<WatchControl>();

  set(verb: FaultVerb | '*', fault: VerbFault): void {
    const verbs: FaultVerb[] = verb === '*' ? ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] : [verb];
    for (const v of verbs) this.faults.set(v, { ...fault });
  }

  failNext(verb: FaultVerb, n: number, code: FaultCode = 500): void {
    this.set(verb, { ...this.faults.get(verb), failNext: n, code });
  }

  reset(): void {
    this.faults.clear();
    this.goneBudget = 0;
  }

  /** Closes every open watch stream abruptly (TCP-level end without a final event), as on an API server restart. */
  dropWatches(): number {
    const n = this.watches.size;
    for (const w of [...this.watches]) w.drop();
    return n;
  }

  /**
   * Without an argument: every open watch gets an ERROR 410 event and ends (as after etcd compaction).
   * With n: the next n watch requests answer ERROR 410 at once.
   */
  forceGone(onNextWatches?: number): void {
    if (onNextWatches === undefined) for (const w of [...this.watches]) w.gone();
    else this.goneBudget += onNextWatches;
  }

  /** Called by the watch handler when a watch starts: true if it must answer 410. */
  takeGone(): boolean {
    if (this.goneBudget <= 0) return false;
    this.goneBudget--;
    return true;
  }

  /** Applies latency, then throws the injected error if this request (on `resource`, a plural name) must fail. */
  async before(verb: FaultVerb, resource?: string): Promise<void> {
    const f = this.faults.get(verb);
    if (!f) return;
    if (f.resources !== undefined && (resource === undefined || !f.resources.includes(resource))) return;
    if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
    let fail = false;
    if (f.failNext && f.failNext > 0) {
      f.failNext--;
      fail = true;
    } else if (f.errorRate && this.random() < f.errorRate) fail = true;
    if (!fail) return;
    const code = f.code ?? 500;
    throw new ApiError(
      code,
      REASONS[code],
      `injected fault for ${verb}`,
      code === 429 ? { retryAfterSeconds: 1 } : undefined,
    );
  }
}
