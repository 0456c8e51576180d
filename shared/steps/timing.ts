/**
 * Every timing the steps rely on, in one place, each with the reason for its value. Waiting is always a delayed SQS
 * message (whole seconds, at most 900), never a sleep inside a function.
 */
import { parseGoDuration } from '../kubernetes/duration.ts';
import type { RedisOpsRequest } from '../kubedb/types.ts';

/**
 * KubeDB's spec.timeout bounds each step; without it KubeDB waits forever. We default to 10 minutes per step so an
 * ops request can never hang a database in Paused indefinitely (docs/adr/0005).
 */
const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;

export function stepTimeoutMs(ops: RedisOpsRequest): number {
  const raw = ops.spec.timeout;
  return raw === undefined || raw === '' ? DEFAULT_STEP_TIMEOUT_MS : parseGoDuration(raw);
}

/**
 * A Progressing run whose due step wrote no condition for this long is stalled, and recover re-sends that step's
 * message (docs/adr/0009). Default of STALL_SECONDS: a step's own wait chain looks at least every HALT_WAIT_CAP /
 * RESTART_CHECK_CAP seconds and writes a condition on every transition, so a minute of silence means a lost chain.
 */
export const DEFAULT_STALL_SECONDS = 60;

/**
 * Default of SAFETY_NET_SECONDS: the least delay of a delayed look at something the forwarder's wake-ups cover (a pod
 * coming back or going Ready, the Redis Ready, another ops request finishing: docs/adr/0013-wake-ups.md). The
 * wake-up moves the run the moment the cluster changes; this delayed message only finishes a run whose wake-up was
 * lost (forwarder down, message lost), so it can afford to look five times less often than the 1 s fast checks.
 */
export const DEFAULT_SAFETY_NET_SECONDS = 5;

/** SQS's longest DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

/**
 * Delay of the safety-net look at something a wake-up covers: never sooner than `safetyNetSeconds`, otherwise the
 * usual backoff, within SQS's 900 s.
 */
export function safetyNetDelaySeconds(attempt: number, capSeconds: number, safetyNetSeconds: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(safetyNetSeconds, backoffDelaySeconds(attempt, capSeconds)));
}

/** Looks at 1-second intervals before backing off: a pod restart and a replica's re-sync usually fit in this. */
export const FAST_CHECKS = 15;

/**
 * Delay before the next look at something we wait for (pod readiness, a replica re-syncing, another ops request).
 * SQS DelaySeconds has 1-second granularity. The first FAST_CHECKS looks are 1 s apart — each is one short
 * invocation, and a replica's full re-sync (Redis 7 waits `repl-diskless-sync-delay` 5 s) or a pod start lands
 * within them, so exponential back-off there would only add idle seconds to every pod of a rolling restart — then
 * the delay doubles every two attempts up to the cap: attempt 15 → 2, 16 → 2, 17 → 4, 18 → 4, ...
 */
export function backoffDelaySeconds(attempt: number, capSeconds: number): number {
  if (attempt < FAST_CHECKS) return 1;
  return Math.min(capSeconds, 2 ** (Math.floor((attempt - FAST_CHECKS) / 2) + 1));
}

/**
 * halt's cap while it waits for `apply: IfReady` or for another ops request: those waits last as long as another run
 * or a database start (minutes), so half a minute between looks costs little and keeps the queue quiet.
 */
export const HALT_WAIT_CAP_SECONDS = 30;

/**
 * How late halt's expected next message may arrive and still be its waiting chain's (SQS delivery jitter, a Lambda
 * runner restart); later, a re-announcement takes the chain over (wait-chain.ts).
 */
export const CHAIN_GRACE_MS = 15_000;

/**
 * restart-pod's cap between checks of a restarted pod (and of a rollback): a pod start and a replica's re-sync take
 * seconds, and every second waited is a second the rolling restart takes longer.
 */
export const RESTART_CHECK_CAP_SECONDS = 10;

/**
 * A recreated pod Ready with other values than the new config is taken as final after this long Ready: redis-server
 * reads its config once, at start, so waiting does not change its answer; the 3 s cover a config volume still being
 * populated (config-mismatch.ts).
 */
export const CONFIG_SETTLE_MS = 3000;

/**
 * A failover that has not taken effect is sent again only after this long, and only if nothing is under way: a
 * manual CLUSTER FAILOVER gives up after 5 s (CLUSTER_MF_TIMEOUT) and a Sentinel failover after its failover-timeout
 * (KubeDB: 5 s). Re-sending earlier would restart one that is about to complete.
 */
export const FAILOVER_RESEND_AFTER_MS = 15_000;

/**
 * Each `CLIENT PAUSE WRITE` of a Sentinel primary (and each extension) lasts this long: a bound on blocked writes
 * should the function stop calling, and longer than the 1 s between checks (sentinel-handover.ts).
 */
export const SENTINEL_WRITE_PAUSE_MS = 5000;

/**
 * RetryOnConflict's bound on re-reading and re-applying a status write after a 409 (client-go's DefaultRetry is 5
 * steps): beyond it the record fails and SQS redelivers it later.
 */
export const MAX_CONFLICT_RETRIES = 5;
