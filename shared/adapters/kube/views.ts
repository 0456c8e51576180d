/** Translate Kubernetes objects into the small views the steps need. */
import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import type { PodView, SecretView } from '../../steps/ports.ts';

export function podView(pod: V1Pod): PodView {
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const container = pod.status?.containerStatuses?.[0];
  const problem =
    container?.state?.waiting?.message ??
    container?.lastState?.terminated?.message ??
    container?.state?.terminated?.message ??
    container?.state?.waiting?.reason;
  return {
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    deleting: pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
    ready,
    ...(pod.status?.podIP ? { podIP: pod.status.podIP } : {}),
    restartCount: container?.restartCount ?? 0,
    ...(problem !== undefined && problem !== '' ? { problem } : {}),
    ...(pod.metadata?.creationTimestamp ? { creationTimestamp: new Date(pod.metadata.creationTimestamp).toISOString() } : {}),
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
