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

/**
 * How closely to follow KubeDB's start scripts where that costs time. Off by default so tests and demos stay quick;
 * a benchmark comparing restart strategies switches it on, because what a restart costs in writes depends on it.
 */
export interface StartScriptOptions {
  /** Sentinel-mode on-start.sh sleeps 5 s before anything else ("as default down after ms is 5s"). Default 0. */
  sentinelStartSleepMs?: number;
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
  scripts: StartScriptOptions;
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
