/** Pure helpers over kmodules-style conditions (type, status, reason, message, lastTransitionTime). */
import type { Condition } from './types.ts';

export const findCondition = (conditions: readonly Condition[] | undefined, type: string): Condition | undefined =>
  conditions?.find((c) => c.type === type);

export const isConditionTrue = (conditions: readonly Condition[] | undefined, type: string): boolean =>
  findCondition(conditions, type)?.status === 'True';

/**
 * Set (add or replace) one condition. lastTransitionTime only moves when the status changes, as kmodules'
 * SetCondition does, so re-running a step does not rewrite history.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: Omit<Condition, 'lastTransitionTime'> & { lastTransitionTime?: string },
  now: Date,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === next.type);
  const previous = index >= 0 ? list[index] : undefined;
  const lastTransitionTime =
    previous !== undefined && previous.status === next.status
      ? previous.lastTransitionTime
      : (next.lastTransitionTime ?? now.toISOString());
  const merged: Condition = { ...next, lastTransitionTime };
  if (index >= 0) list[index] = merged;
  else list.push(merged);
  return list;
}

export const removeCondition = (conditions: readonly Condition[] | undefined, type: string): Condition[] =>
  (conditions ?? []).filter((c) => c.type !== type);

/** KubeDB writes conditions with type == reason (kmodules NewCondition). */
export const kubedbCondition = (
  type: string,
  message: string,
  observedGeneration: number | undefined,
  status: Condition['status'] = 'True',
): Omit<Condition, 'lastTransitionTime'> => ({
  type,
  status,
  reason: type,
  message,
  ...(observedGeneration !== undefined ? { observedGeneration } : {}),
});
