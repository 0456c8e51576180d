/**
 * What a KubeDB start-script emulation gets from the kubelet: the pod, its mounts and env, its address, a way to
 * resolve other pods' addresses (the cluster DNS stand-in) and a signal that aborts waits when the pod stops.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../runtime/log.ts';
import type { MountTable } from './volumes.ts';

/** The cluster DNS, as far as the start scripts need it: a pod's address by namespace and name. */
export interface PodDirectory {
  podIP(namespace: string, name: string): string | undefined;
}

export interface StartContext {
  pod: V1Pod;
  image: string;
  mounts: MountTable;
  env: Record<string, string>;
  containerArgs: string[];
  podIP: string;
  podRoot: string;
  directory: PodDirectory;
  /** Aborted when the pod is being stopped: a script waiting for its peers gives up. */
  signal: AbortSignal;
  log: Logger;
}

export const baseStart = (ctx: StartContext) => ({
  image: ctx.image,
  mounts: ctx.mounts,
  env: ctx.env,
  containerArgs: ctx.containerArgs,
  podIP: ctx.podIP,
  podRoot: ctx.podRoot,
});

