/**
 * Has the restarted pod come back? Pure: from the pod as observed, the uid of the pod that was evicted, and the
 * deadline. The config comparison happens only once the pod is Ready (it needs a connection to the pod).
 */
import { engineExcerpt } from './engine-excerpt.ts';
import type { PodView } from '../ports.ts';

type CheckDecision =
  | { kind: 'wait'; why: string }
  | { kind: 'verify-config'; podIP: string; readySince?: string }
  | { kind: 'crash-looping'; problem: string }
  | { kind: 'timeout'; why: string };

export function decideCheck(input: {
  pod: PodView | undefined;
  evictedUid: string | undefined;
  now: Date;
  deadline: Date;
}): CheckDecision {
  const { pod, evictedUid } = input;
  const replaced = pod !== undefined && pod.uid !== evictedUid && !pod.deleting;
  // A new pod whose container keeps failing will not heal by waiting: that is the cue for rollback.
  if (replaced && !pod.ready && pod.restartCount > 0 && pod.problem !== undefined) {
    return { kind: 'crash-looping', problem: engineExcerpt(pod.problem) };
  }
  if (replaced && pod.ready && pod.podIP !== undefined) {
    return {
      kind: 'verify-config',
      podIP: pod.podIP,
      ...(pod.readySince !== undefined ? { readySince: pod.readySince } : {}),
    };
  }
  const why =
    pod === undefined
      ? 'pod not recreated yet'
      : !replaced
        ? 'old pod still terminating'
        : `pod not Ready${pod.problem !== undefined ? `: ${engineExcerpt(pod.problem)}` : ''}`;
  if (input.now.getTime() > input.deadline.getTime()) return { kind: 'timeout', why };
  return { kind: 'wait', why };
}
