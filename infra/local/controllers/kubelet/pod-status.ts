/**
 * Pod status as the kubelet reports it: phase Running once the container has run (it stays Running through
 * CrashLoopBackOff, as in Kubernetes), conditions PodScheduled / Initialized / ContainersReady / Ready with
 * lastTransitionTime kept while a condition's status does not change, and one containerStatuses entry.
 */
import type { V1PodStatus } from '@kubernetes/client-node';
import type { ContainerSnapshot } from './pod-runtime.ts';
import { sameJson, toRfc3339 } from '../runtime/stable-json.ts';

const HOST_IP = '127.0.0.1';

interface PodCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

interface ObservedPod {
  podIP: string;
  startTime: string;
  container: ContainerSnapshot;
}

function condition(
  existing: V1PodStatus | undefined,
  type: string,
  ok: boolean,
  now: string,
  reason?: string,
): PodCondition {
  const status = ok ? 'True' : 'False';
  const previous = existing?.conditions?.find((c) => c.type === type);
  const raw = previous?.lastTransitionTime as unknown;
  const since =
    previous?.status === status && raw
      ? raw instanceof Date
        ? toRfc3339(raw)
        : typeof raw === 'string'
          ? raw
          : now
      : now;
  return { type, status, lastTransitionTime: since, ...(ok || !reason ? {} : { reason }) };
}

export function buildPodStatus(
  existing: V1PodStatus | undefined,
  observed: ObservedPod,
  now: string,
): Record<string, unknown> {
  const c = observed.container;
  const hasRun = 'running' in c.state || c.restartCount > 0 || c.lastState.terminated !== undefined;
  const notReadyReason = c.ready ? undefined : 'ContainersNotReady';
  const { note, ...containerStatus } = c;
  return {
    phase: hasRun ? 'Running' : 'Pending',
    hostIP: HOST_IP,
    hostIPs: [{ ip: HOST_IP }],
    podIP: observed.podIP,
    podIPs: [{ ip: observed.podIP }],
    startTime: observed.startTime,
    ...(note ? { message: note, reason: 'RedisServerSubstitute' } : {}),
    conditions: [
      condition(existing, 'PodScheduled', true, now),
      condition(existing, 'Initialized', true, now),
      condition(existing, 'ContainersReady', c.ready, now, notReadyReason),
      condition(existing, 'Ready', c.ready, now, notReadyReason),
    ],
    containerStatuses: [containerStatus],
  };
}

/** True when patching `desired` would change nothing the kubelet owns. */
export function statusUpToDate(existing: V1PodStatus | undefined, desired: Record<string, unknown>): boolean {
  if (!existing) return false;
  const current = existing as Record<string, unknown>;
  return Object.keys(desired).every((k) => sameJson(current[k], desired[k]));
}
