/**
 * Publish the story of a run: every condition a step writes (new, or changed status/message) becomes one CloudEvent
 * for the event bus. Called from the one status writer, so no step can forget it.
 *
 * Best effort by design (docs/adr/0006): the cluster write has already happened and is the source of truth; failing
 * the record now would not publish again (the replayed step finds its work done). A failure is logged as an error
 * with the event's subject and type — visible and alarmable — and the run goes on.
 *
 * The same transitions are the run's story in the logs (one info line each) and its counts in the metrics (started,
 * succeeded, failed, rolled back, live applies, pod restarts): counted where they are written, a replayed step that
 * writes nothing new counts nothing.
 */
import { rolloutFieldOf } from '../fleet/rollout-ref.ts';
import type { Condition, RedisOpsRequest } from '../kubedb/types.ts';
import { errorFields } from '../logging.ts';
import { newTransitionEvent } from '../messages/transition-event.ts';
import { countForCondition } from '../observability/metrics.ts';
import type { StepContext } from './context.ts';

const POD_CONDITION = /^(?:EvictPod|IsPodReady)--(.+)$/;
const fingerprint = (c: Condition): string => `${c.status}|${c.message ?? ''}`;

export async function publishTransitions(
  ctx: StepContext,
  before: RedisOpsRequest,
  after: RedisOpsRequest,
): Promise<void> {
  const { data, deps } = ctx;
  const previous = new Map((before.status?.conditions ?? []).map((c) => [c.type, fingerprint(c)]));
  const conditions = after.status?.conditions ?? [];
  const rollout = rolloutFieldOf(after.metadata);
  for (const [sequence, c] of conditions.entries()) {
    if (previous.get(c.type) === fingerprint(c)) continue;
    const pod = POD_CONDITION.exec(c.type)?.[1] ?? data.pod;
    recordTransition(ctx, c, after);
    const event = newTransitionEvent(
      {
        version: 1,
        clusterId: data.clusterId,
        namespace: data.namespace,
        opsRequest: data.opsRequest,
        database: after.spec.databaseRef.name,
        step: data.step,
        phase: after.status?.phase ?? '',
        ...(pod !== undefined ? { pod } : {}),
        condition: {
          type: c.type,
          status: c.status,
          ...(c.reason !== undefined ? { reason: c.reason } : {}),
          ...(c.message !== undefined ? { message: c.message } : {}),
        },
        ...rollout,
        sequence,
        traceId: data.traceId,
      },
      `urn:redis-reconfigure:function:${data.step}`,
      deps.now(),
    );
    try {
      await deps.events.publish(event);
    } catch (err) {
      deps.log.error('publishing a transition event failed', {
        subject: event.subject,
        type: event.type,
        condition: c.type,
        ...errorFields(err),
      });
    }
  }
}

/** The transition in the run's story (one info line) and in its counts (shared/observability/metrics.ts). */
function recordTransition(ctx: StepContext, c: Condition, after: RedisOpsRequest): void {
  const { deps, data } = ctx;
  deps.log.info(`condition ${c.type}=${c.status}`, {
    condition: c.type,
    status: c.status,
    ...(c.reason !== undefined && c.reason !== c.type ? { reason: c.reason } : {}),
    phase: after.status?.phase,
  });
  const counted = countForCondition(c.type, c.status);
  if (counted !== undefined) deps.metrics.count(counted, data.clusterId);
}
