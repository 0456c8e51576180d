/**
 * Cluster health as KubeDB's own e2e checks it (WaitUntilRedisClusterConfigured): all 16384 slots served, as many
 * masters as shards, every master with its replicas connected — plus `cluster_state:ok`. Pure.
 */
import type { ClusterNode } from '../../redis/replies.ts';

export function clusterProblems(input: {
  state: string | undefined;
  nodes: ClusterNode[];
  expected: { shards: number; replicas: number };
  slots: number;
  isFailed: (n: ClusterNode) => boolean;
  slotCount: (n: ClusterNode) => number;
}): string[] {
  const problems: string[] = [];
  if (input.state !== 'ok') problems.push(`cluster_state is ${input.state ?? 'unknown'}`);
  const failed = input.nodes.filter(input.isFailed);
  for (const n of failed) problems.push(`node ${n.ip} is flagged ${n.flags.join(',')}`);
  const masters = input.nodes.filter((n) => n.role === 'master' && !input.isFailed(n) && input.slotCount(n) > 0);
  const covered = masters.reduce((sum, n) => sum + input.slotCount(n), 0);
  if (covered !== input.slots) problems.push(`${covered} of ${input.slots} slots are served`);
  if (masters.length !== input.expected.shards)
    problems.push(`${masters.length} masters serve slots, expected ${input.expected.shards}`);
  for (const m of masters) {
    const replicas = input.nodes.filter(
      (n) => n.masterId === m.nodeId && n.linkState === 'connected' && !input.isFailed(n),
    ).length;
    if (replicas !== input.expected.replicas - 1)
      problems.push(`master ${m.ip} has ${replicas} connected replicas, expected ${input.expected.replicas - 1}`);
  }
  return problems;
}
