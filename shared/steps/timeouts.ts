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

/**
 * Delay before the next look at something we wait for (pod readiness, another ops request): SQS DelaySeconds has
 * 1-second granularity, so start at 1 s and back off to a cap. attempt 0 → 1, 1 → 1, 2 → 2, 3 → 2, 4 → 4 ...
 */
export function backoffDelaySeconds(attempt: number, capSeconds: number): number {
  return Math.min(capSeconds, 2 ** Math.floor(attempt / 2));
}
