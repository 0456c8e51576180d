/**
 * The restart order, a pure function of observed roles (never of ordinals): replicas first — all shards, one at a
 * time — then each primary last. KubeDB documents this order for Cluster mode (restart.md); we use it for Sentinel
 * too. Whether a primary is failed over before its restart is decided when its turn comes, from its role then.
 */
import type { ObservedRole } from '../../redis/replies.ts';
import type { RedisMode } from '../../kubedb/topology.ts';

const byShardThenName = (a: ObservedRole, b: ObservedRole): number =>
  (a.shard ?? 0) - (b.shard ?? 0) || a.pod.localeCompare(b.pod, 'en', { numeric: true });

export function planRestartOrder(mode: RedisMode, roles: ObservedRole[]): string[] {
  if (mode === 'Standalone') return roles.map((r) => r.pod).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const replicas = roles.filter((r) => r.role === 'replica').sort(byShardThenName);
  const masters = roles.filter((r) => r.role === 'master').sort(byShardThenName);
  return [...replicas, ...masters].map((r) => r.pod);
}

/** The replica that should take over from `master`: one attached to it (its shard's, in Cluster mode), if any. */
export function failoverCandidate(master: string, roles: ObservedRole[]): string | undefined {
  return roles.filter((r) => r.role === 'replica' && r.masterPod === master).sort(byShardThenName)[0]?.pod;
}
