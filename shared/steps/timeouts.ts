import { parseGoDuration } from '../kubedb/duration.ts';
import type { RedisOpsRequest } from '../kubedb/types.ts';

/**
 * KubeDB's spec.timeout bounds each step; without it KubeDB waits forever. We default to 10 minutes per step so an
 * ops request can never hang a database in Paused indefinitely (docs/adr/0005).
 */
export const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;

export function stepTimeoutMs(ops: RedisOpsRequest): number {
  const raw = ops.spec.timeout;
  return raw === undefined || raw === '' ? DEFAULT_STEP_TIMEOUT_MS : parseGoDuration(raw);
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
