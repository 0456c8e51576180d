/**
 * What every step function works with: the message that started it, the ops request it names (as last read or
 * written), and the ports. Built once per invocation by loadStepContext, so the namespace and the subject have one
 * source: the message, which loadStepContext matched with the ops request by name and uid.
 */
import type { RedisOpsRequest } from '../kubedb/types.ts';
import type { StepData } from '../messages/step-message.ts';
import type { StepDeps } from './ports.ts';

export interface StepContext {
  readonly data: StepData;
  readonly ops: RedisOpsRequest;
  readonly deps: StepDeps;
  readonly namespace: string;
  /** `<namespace>/<ops request>`, for logs and messages. */
  readonly subject: string;
}

/** The same invocation after a write returned a newer ops request. */
export const withOps = (ctx: StepContext, ops: RedisOpsRequest): StepContext => ({ ...ctx, ops });

export function stepContext(data: StepData, ops: RedisOpsRequest, deps: StepDeps): StepContext {
  return { data, ops, deps, namespace: data.namespace, subject: `${data.namespace}/${data.opsRequest.name}` };
}

/**
 * Re-read the ops request the message names. A message for a deleted ops request, or for an older object of the same
 * name (different uid), is a no-op: the message is a pointer, the cluster is the truth.
 */
export async function loadStepContext(data: StepData, deps: StepDeps): Promise<StepContext | undefined> {
  const ops = await deps.kube.getOpsRequest(data.namespace, data.opsRequest.name);
  if (ops === undefined || ops.metadata.uid !== data.opsRequest.uid) {
    deps.log.info('ops request gone or replaced; nothing to do', {
      namespace: data.namespace,
      name: data.opsRequest.name,
    });
    return undefined;
  }
  return stepContext(data, ops, deps);
}
