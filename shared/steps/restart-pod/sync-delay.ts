/**
 * A restarted replica's full resync without the primary's `repl-diskless-sync-delay` (docs/adr/0017).
 *
 * A restarted replica loads its data from the AOF, which carries no replication id, so it always needs a full resync
 * (`Full resync from master` in its log); and a diskless primary waits `repl-diskless-sync-delay` (Redis 7: 5 s)
 * before starting one, for more replicas to join the same transfer. A rolling restart brings back one pod at a time,
 * so no second replica ever joins: the wait is 5 s of nothing per pod, and the failover-aware order pays it for every
 * pod (each primary is restarted as a replica, after its hand-over). So before evicting a replica, its primary's
 * delay is set to 0, and the value it had is put back once the restarted pod is verified (or rolled back).
 *
 * The value is recorded (annotation `sync-delay.<pod>`, with the primary's name and uid) before `CONFIG SET`, so a
 * redelivered message never records the 0 as the value to restore. A primary restarted meanwhile reads its config
 * file again: nothing to restore on it.
 */
import * as z from 'zod';
import type { Redis } from '../../kubedb/types.ts';
import { syncDelayAnnotation } from '../annotations.ts';
import type { StepContext } from '../context.ts';
import type { PodView } from '../ports.ts';
import { redisTarget } from './redis-target.ts';

const SYNC_DELAY = 'repl-diskless-sync-delay';

const recordSchema = z.object({ primary: z.string(), uid: z.string(), value: z.string() }).strict();

/** Before evicting `replicaPod`: its primary starts the restarted replica's full resync at once. Returns the ops. */
export async function skipSyncDelay(
  ctx: StepContext,
  redis: Redis,
  replicaPod: string,
  primary: PodView,
): Promise<StepContext['ops']> {
  const { deps } = ctx;
  const key = syncDelayAnnotation(replicaPod);
  if (primary.podIP === undefined) return ctx.ops;
  const target = await redisTarget(redis, primary.podIP, deps);
  // Recorded by an earlier delivery, which may have stopped before its CONFIG SET: set the 0 again, record nothing.
  if (ctx.ops.metadata.annotations?.[key] !== undefined) {
    await deps.redis.configSet(target, [SYNC_DELAY, '0']);
    return ctx.ops;
  }
  const value = (await deps.redis.configGet(target, [SYNC_DELAY]))[SYNC_DELAY];
  if (value === undefined || value === '0') return ctx.ops;
  const record: z.infer<typeof recordSchema> = { primary: primary.name, uid: primary.uid, value };
  const current = await deps.kube.writeOpsAnnotations(ctx.ops, { [key]: JSON.stringify(record) });
  await deps.redis.configSet(target, [SYNC_DELAY, '0']);
  deps.log.info(`${SYNC_DELAY} 0 on ${primary.name} while ${replicaPod} restarts`, { pod: replicaPod, was: value });
  return current;
}

/** Once `replicaPod` is verified or rolled back: its primary gets its own delay back (idempotent). */
export async function restoreSyncDelay(
  ctx: StepContext,
  database: () => Promise<Redis>,
  replicaPod: string,
): Promise<void> {
  const { deps } = ctx;
  const raw = ctx.ops.metadata.annotations?.[syncDelayAnnotation(replicaPod)];
  if (raw === undefined) return;
  const record = recordSchema.parse(JSON.parse(raw));
  const primary = await deps.kube.getPod(ctx.namespace, record.primary);
  // A recreated primary runs its config file's value already.
  if (primary === undefined || primary.uid !== record.uid || primary.podIP === undefined) return;
  await deps.redis.configSet(await redisTarget(await database(), primary.podIP, deps), [SYNC_DELAY, record.value]);
  deps.log.info(`${SYNC_DELAY} ${record.value} again on ${record.primary}`, { pod: replicaPod });
}
