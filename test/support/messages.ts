/** Step messages for tests, built through the real schema, so a test cannot hand a step a message no queue carries. */
import type { RedisOpsRequest } from '../../shared/kubedb/types.ts';
import {
  stepDataSchema,
  type FunctionStep,
  type StepData,
  type StepDataInput,
} from '../../shared/messages/step-message.ts';

export function stepData(
  step: FunctionStep,
  ops: RedisOpsRequest,
  extra: Partial<Omit<StepDataInput, 'step' | 'opsRequest' | 'namespace'>> = {},
): StepData {
  return stepDataSchema.parse({
    version: 1,
    clusterId: 'c',
    namespace: ops.metadata.namespace ?? 'default',
    opsRequest: { name: ops.metadata.name, uid: ops.metadata.uid ?? '' },
    step,
    attempt: 0,
    traceId: 't',
    ...extra,
  });
}
