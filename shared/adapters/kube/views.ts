/** Translate Kubernetes objects into the small views the steps need. */
import type { V1ContainerStatus, V1Pod, V1Secret } from '@kubernetes/client-node';
import type { PodView, SecretView } from '../../steps/ports.ts';

/** The container's own words when it is not running: the waiting message, else the last termination's. */
function containerProblem(container: V1ContainerStatus | undefined): string | undefined {
  if (container === undefined) return undefined;
  const candidates = [
    container.state?.waiting?.message,
    container.lastState?.terminated?.message,
    container.state?.terminated?.message,
    container.state?.waiting?.reason,
  ];
  return candidates.find((text) => text !== undefined && text !== '');
}

const readyCondition = (pod: V1Pod) =>
  (pod.status?.conditions ?? []).find((c) => c.type === 'Ready' && c.status === 'True');

export function podView(pod: V1Pod): PodView {
  const meta = pod.metadata ?? {};
  const container = pod.status?.containerStatuses?.[0];
  const problem = containerProblem(container);
  const podIP = pod.status?.podIP;
  const ready = readyCondition(pod);
  const readySince = ready?.lastTransitionTime;
  return {
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    deleting: meta.deletionTimestamp != null,
    ready: ready !== undefined,
    ...(podIP ? { podIP } : {}),
    restartCount: container?.restartCount ?? 0,
    ...(problem !== undefined ? { problem } : {}),
    ...(meta.creationTimestamp ? { creationTimestamp: new Date(meta.creationTimestamp).toISOString() } : {}),
    ...(readySince ? { readySince: new Date(readySince).toISOString() } : {}),
  };
}

export function secretView(secret: V1Secret): SecretView {
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(secret.stringData ?? {})) data[k] = v;
  return { name: secret.metadata?.name ?? '', data, annotations: secret.metadata?.annotations ?? {} };
}

export const encodeData = (data: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
