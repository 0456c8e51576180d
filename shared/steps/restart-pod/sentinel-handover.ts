/**
 * Sentinel hand-over of a primary before its restart, with no acknowledged write lost and writes blocked — not
 * failed — only for as long as the sentinels need to name the new primary.
 *
 * A forced `SENTINEL FAILOVER` promotes a replica (`REPLICAOF NO ONE`) while the old primary still accepts writes
 * until clients learn the new primary (~1 s: sentinels look at the promoted replica with INFO once a second during
 * a failover); writes acknowledged there in between would be lost when it is demoted. So:
 * 1. `CLIENT PAUSE WRITE` on the old primary (clients block), then `SENTINEL FAILOVER`. If the sentinels refuse
 *    (`NOGOODSLAVE`: no promotable replica yet), writes are resumed at once and we ask again later.
 * 2. At each later check: as soon as the sentinels name another primary, the old one becomes its replica and its
 *    writes are resumed — the blocked writes fail with READONLY and clients move to the new primary. While the
 *    sentinels are still failing over, the pause is extended, so the old primary never acknowledges a write that a
 *    promotion could discard. When no failover is in progress any more, the pause simply runs out.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import type { Redis } from '../../kubedb/types.ts';
import { sentinelMasterName } from '../../kubedb/topology.ts';
import type { PodView, RedisTarget, StepDeps } from '../ports.ts';
import { redisTarget } from './redis-target.ts';

/** Each pause (and extension) lasts this long: a bound on blocked writes should this function stop calling. */
export const SENTINEL_WRITE_PAUSE_MS = 5000;

export type HandoverStart = { kind: 'started' } | { kind: 'refused'; why: string };

export async function startSentinelHandover(redis: Redis, primary: PodView, sentinel: RedisTarget | undefined, deps: StepDeps): Promise<HandoverStart> {
  if (sentinel === undefined) throw new OpsRequestFailedError('RestartPodsFailed', `no Ready sentinel to fail over Redis ${redis.metadata.name}`);
  const target = primary.podIP !== undefined ? await redisTarget(redis, primary.podIP, deps) : undefined;
  if (target !== undefined) await deps.redis.pauseWrites(target, SENTINEL_WRITE_PAUSE_MS);
  try {
    await deps.redis.sentinelFailover(sentinel, sentinelMasterName(redis));
    return { kind: 'started' };
  } catch (err) {
    const message = (err as Error).message;
    // INPROG: a failover (ours, issued earlier) is under way — keep the pause, it protects that one too.
    if (/INPROG/.test(message)) return { kind: 'refused', why: message };
    if (target !== undefined) await deps.redis.resumeWrites(target);
    // Sentinels refresh their view of replicas every 10 s: right after a replica restart they may answer
    // NOGOODSLAVE (no promotable replica yet). That means "not yet": wait and ask again.
    if (/NOGOODSLAVE/.test(message)) return { kind: 'refused', why: message };
    throw err;
  }
}

/** Demote the old primary as soon as the sentinels name another one; until then keep its writes paused. */
export async function continueSentinelHandover(redis: Redis, oldPrimary: PodView, sentinel: RedisTarget | undefined, deps: StepDeps): Promise<void> {
  if (sentinel === undefined || oldPrimary.podIP === undefined) return;
  const target = await redisTarget(redis, oldPrimary.podIP, deps);
  const primary = await deps.redis.sentinelPrimary(sentinel, sentinelMasterName(redis));
  if (primary !== undefined && primary.host !== oldPrimary.podIP) {
    await deps.redis.replicaOf(target, primary.host, primary.port);
    await deps.redis.resumeWrites(target);
    return;
  }
  if (await deps.redis.sentinelFailoverInProgress(sentinel, sentinelMasterName(redis))) await deps.redis.pauseWrites(target, SENTINEL_WRITE_PAUSE_MS);
}
