/**
 * restart-pod's delayed look again (evict gate, restarted pod, rollback). Two kinds of wait (docs/adr/0013-wake-ups.md):
 * - `woken`: for what the forwarder's wake-ups cover (a pod deleted, recreated, Ready). The delayed message is only
 *   the safety net, at least SAFETY_NET_SECONDS away; and a wake-up that finds the step still waiting sends nothing,
 *   since the chain that was waiting already has its message on the queue — so wake-ups never multiply chains.
 * - `fast`: for what no wake-up reports (the new config settling, replicas re-syncing, the topology whole again):
 *   the usual 1 s fast checks, whoever sent the message.
 */
import type { StepContext } from '../context.ts';
import { backoffDelaySeconds, RESTART_CHECK_CAP_SECONDS, safetyNetDelaySeconds } from '../timing.ts';

type WaitKind = 'woken' | 'fast';

export function recheck(ctx: StepContext, phase: 'evict' | 'check', kind: WaitKind): Promise<void> {
  const { data, deps } = ctx;
  if (kind === 'woken' && data.wake === true) {
    deps.log.info('woken, still waiting; the waiting chain looks again later', { pod: data.pod, phase });
    return Promise.resolve();
  }
  const { wake: _wake, ...chain } = data;
  const delay =
    kind === 'woken'
      ? safetyNetDelaySeconds(data.attempt, RESTART_CHECK_CAP_SECONDS, deps.settings.safetyNetSeconds)
      : backoffDelaySeconds(data.attempt, RESTART_CHECK_CAP_SECONDS);
  return deps.queue.send('restart-pod', { ...chain, phase, attempt: data.attempt + 1 }, delay);
}

/** The first look at an evicted (or rolled-back) pod: it is never back within a second; a wake-up says when it is. */
export const firstCheckDelaySeconds = (ctx: StepContext): number =>
  safetyNetDelaySeconds(0, RESTART_CHECK_CAP_SECONDS, ctx.deps.settings.safetyNetSeconds);
