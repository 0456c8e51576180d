/**
 * Sentinel hand-over of a primary before its restart, with no acknowledged write lost and writes blocked — not
 * failed — only for as long as the sentinels need to name the new primary.
 *
 * A forced `SENTINEL FAILOVER` promotes a replica (`REPLICAOF NO ONE`) while the old primary still accepts writes
 * until clients learn the new primary (~1 s: sentinels look at the promoted replica with INFO once a second during
 * a failover); writes acknowledged there in between would be lost when it is demoted. So:
 * 1. `CLIENT PAUSE WRITE` on the old primary (clients block), and only once every replica has caught up with it
 *    (same replication offset — the sentinels pick the replica to promote from offsets up to 10 s old),
 *    `SENTINEL FAILOVER`. If the sentinels refuse (`NOGOODSLAVE`: no promotable replica yet), writes are resumed at
 *    once and we ask again later.
 * 2. At each later check: as soon as the sentinels name another pod as primary, the old one becomes its replica and
 *    its writes are resumed — the blocked writes fail with READONLY and clients move to the new primary. While the
 *    sentinels are still failing over, the pause is extended, so the old primary never acknowledges a write that a
 *    promotion could discard. When no failover is in progress any more, the pause simply runs out.
 */
import type { Redis } from '../../kubedb/types.ts';
import { parseInfoReplication } from '../../redis/replies.ts';
import { sentinelMasterName } from '../../kubedb/topology.ts';
import { podForAddress } from '../../kubedb/pod-address.ts';
import type { PodView, RedisTarget, StepDeps } from '../ports.ts';
import { SENTINEL_WRITE_PAUSE_MS } from '../timing.ts';
import { redisTarget } from './redis-target.ts';

export type HandoverStart = { kind: 'started' } | { kind: 'not-yet'; why: string };

/** Pause the primary's writes; fail over once its replicas have everything it acknowledged. */
export async function startSentinelHandover(
  redis: Redis,
  primary: PodView,
  replicas: PodView[],
  sentinel: RedisTarget,
  deps: StepDeps,
): Promise<HandoverStart> {
  if (primary.podIP === undefined) return { kind: 'not-yet', why: `primary ${primary.name} has no address` };
  const target = await redisTarget(redis, primary.podIP, deps);
  await deps.redis.pauseWrites(target, SENTINEL_WRITE_PAUSE_MS);
  const behind = await replicasBehind(redis, target, replicas, deps);
  // Keep the pause: it runs out by itself, and the next check (1 s) finds the replicas caught up.
  if (behind.length > 0)
    return { kind: 'not-yet', why: `replicas catching up with the paused primary: ${behind.join(', ')}` };
  try {
    await deps.redis.sentinelFailover(sentinel, sentinelMasterName(redis));
    return { kind: 'started' };
  } catch (err) {
    const message = (err as Error).message;
    // INPROG: a failover is already under way (ours, issued by an earlier delivery of this message).
    if (/INPROG/.test(message)) return { kind: 'started' };
    await deps.redis.resumeWrites(target);
    // Sentinels refresh their view of replicas every 10 s: right after a replica restart they may answer
    // NOGOODSLAVE (no promotable replica yet). That means "not yet": wait and ask again.
    if (/NOGOODSLAVE/.test(message))
      return { kind: 'not-yet', why: `the sentinels cannot fail ${primary.name} over yet: ${message}` };
    throw err;
  }
}

async function replicasBehind(
  redis: Redis,
  primary: RedisTarget,
  replicas: PodView[],
  deps: StepDeps,
): Promise<string[]> {
  const primaryOffset = parseInfoReplication(await deps.redis.info(primary, 'replication')).masterReplOffset;
  const behind: string[] = [];
  for (const r of replicas) {
    if (r.podIP === undefined) continue;
    const offset = parseInfoReplication(
      await deps.redis.info(await redisTarget(redis, r.podIP, deps), 'replication'),
    ).masterReplOffset;
    if (offset < primaryOffset) behind.push(`${r.name} at ${offset} of ${primaryOffset}`);
  }
  return behind;
}

/**
 * The hand-over after `SENTINEL FAILOVER` was issued: demote the old primary as soon as the sentinels name another
 * pod; until then keep its writes paused while they fail over. Returns whether a failover still seems to be running.
 */
export async function continueSentinelHandover(
  redis: Redis,
  oldPrimary: PodView,
  pods: PodView[],
  sentinel: RedisTarget,
  deps: StepDeps,
): Promise<'demoted' | 'in-progress' | 'idle'> {
  if (oldPrimary.podIP === undefined) return 'idle';
  const target = await redisTarget(redis, oldPrimary.podIP, deps);
  const named = await deps.redis.sentinelPrimary(sentinel, sentinelMasterName(redis));
  const namedPod = podForAddress(named?.host, pods);
  // Never point a server at itself: only a different, known pod is a new primary.
  if (named !== undefined && namedPod !== undefined && namedPod !== oldPrimary.name) {
    await deps.redis.replicaOf(target, named.host, named.port);
    await deps.redis.resumeWrites(target);
    return 'demoted';
  }
  if (!(await deps.redis.sentinelFailoverInProgress(sentinel, sentinelMasterName(redis)))) return 'idle';
  await deps.redis.pauseWrites(target, SENTINEL_WRITE_PAUSE_MS);
  return 'in-progress';
}
