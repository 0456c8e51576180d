import type { RedisOpsRequest } from '../kubedb/types.ts';
import type { StepData } from '../messages/step-message.ts';
import type { StepDeps } from './ports.ts';

/**
 * Re-read the ops request the message names. A message for a deleted ops request, or for an older object of the same
 * name (different uid), is a no-op: the message is a pointer, the cluster is the truth.
 */
export async function loadOpsRequest(data: StepData, deps: StepDeps): Promise<RedisOpsRequest | undefined> {
  const ops = await deps.kube.getOpsRequest(data.namespace, data.opsRequest.name);
  if (ops === undefined || ops.metadata.uid !== data.opsRequest.uid) {
    deps.log.info('ops request gone or replaced; nothing to do', {
      namespace: data.namespace,
      name: data.opsRequest.name,
    });
    return undefined;
  }
  return ops;
}
