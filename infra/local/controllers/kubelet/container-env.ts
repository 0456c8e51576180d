/**
 * The generic part of running a container, as the kubelet defines it:
 * - env: `value` (with `$(VAR)` expansion against earlier entries), `valueFrom.secretKeyRef` (read from the API at
 *   container start; `optional` honoured), `valueFrom.fieldRef` for metadata.name / metadata.namespace /
 *   status.podIP / spec.nodeName;
 * - `$(VAR)` expansion in command and args, with `$$(VAR)` as the escape and unknown variables left verbatim
 *   (https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/).
 * Not supported (reported as CreateContainerConfigError): configMapKeyRef, resourceFieldRef, envFrom.
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';

export type SecretReader = (namespace: string, name: string) => Promise<Record<string, string> | undefined>;

/** The container cannot be configured (missing secret or key, unsupported source): CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
}

export function expandVars(input: string, env: Record<string, string>): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match: string, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && name in env ? env[name]! : match;
  });
}

function fieldRefValue(pod: V1Pod, path: string, podIP: string): string {
  switch (path) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'status.podIP':
      return podIP;
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    default:
      throw new ContainerConfigError(`fieldRef ${path} is not supported by the local kubelet`);
  }
}

async function secretKeyValue(
  namespace: string,
  ref: { name?: string; key: string; optional?: boolean },
  readSecret: SecretReader,
): Promise<string | undefined> {
  const data = await readSecret(namespace, ref.name ?? '');
  const value = data?.[ref.key];
  if (value === undefined && !ref.optional) {
    throw new ContainerConfigError(
      data ? `couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}` : `secret "${ref.name}" not found`,
    );
  }
  return value;
}

export async function resolveEnv(
  pod: V1Pod,
  container: V1Container,
  podIP: string,
  readSecret: SecretReader,
): Promise<Record<string, string>> {
  if (container.envFrom?.length) throw new ContainerConfigError('envFrom is not supported by the local kubelet');
  const namespace = pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    const from = entry.valueFrom;
    if (!from) {
      env[entry.name] = expandVars(entry.value ?? '', env);
    } else if (from.secretKeyRef) {
      const value = await secretKeyValue(namespace, from.secretKeyRef, readSecret);
      if (value !== undefined) env[entry.name] = value;
    } else if (from.fieldRef) {
      env[entry.name] = fieldRefValue(pod, from.fieldRef.fieldPath, podIP);
    } else {
      throw new ContainerConfigError(`env ${entry.name}: only secretKeyRef and fieldRef are supported locally`);
    }
  }
  return env;
}
