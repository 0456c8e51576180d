/**
 * An ops request deleted mid-run (docs/adr/0014-deadline-and-deletion.md). The forwarder sees it go (a watch DELETED
 * event, or its absence from a relist) and announces it to recover; recover finds it gone and lands here. Its run is
 * abandoned where it stands, as KubeDB's own ops webhook does on delete (it resumes the database of an ops request
 * that had not completed): the database it paused is resumed, and its declared configuration stays what the run had
 * written — the previous one before apply-config, the new one after — so each pod runs one of the two and the pods
 * not yet restarted take the declared one at their next restart. A rollback is not possible: the snapshot Secret is
 * owned by the ops request, and the garbage collector deletes it with its owner.
 */
import { DbCondition } from '../../kubedb/constants.ts';
import { removeCondition } from '../../kubedb/conditions.ts';
import type { StepData } from '../../messages/step-message.ts';
import { isPausedBy } from '../halt/decide-halt.ts';
import type { StepDeps } from '../ports.ts';

const RESUMED_AFTER_DELETION_REASON = 'ResumeDatabase';

export async function resumeAfterDeletion(data: StepData, deps: StepDeps): Promise<void> {
  const gone = { metadata: { namespace: data.namespace, name: data.opsRequest.name, uid: data.opsRequest.uid } };
  const paused = (await deps.kube.listRedises(data.namespace)).filter((r) => isPausedBy(r, gone));
  for (const redis of paused) {
    // Guarded by the resourceVersion read: a 409 fails the record and SQS redelivers it (a fresh read then).
    const resumed = await deps.kube.writeRedisConditions(
      redis,
      removeCondition(redis.status?.conditions, DbCondition.Paused),
    );
    const target = `${data.namespace}/${redis.metadata.name}`;
    deps.log.info('ops request deleted mid-run; its database resumed', { redis: target });
    await deps.kube.recordEvent(resumed, {
      type: 'Warning',
      reason: RESUMED_AFTER_DELETION_REASON,
      message:
        `RedisOpsRequest ${data.namespace}/${data.opsRequest.name} was deleted while Progressing: Redis ${target} ` +
        'resumed; its configuration is what the run had written by then (pods not restarted yet take it at their ' +
        `next restart; \`npx redis-reconfigure drift ${redis.metadata.name} -n ${data.namespace}\` lists them)`,
    });
  }
}
