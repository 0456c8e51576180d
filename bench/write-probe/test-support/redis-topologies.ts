/**
 * Cluster and Sentinel topologies built from real redis-server processes, configured with plain commands over
 * ioredis (no redis-cli): CLUSTER MEET / ADDSLOTSRANGE / REPLICATE, and `replicaof` + `sentinel monitor`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startRedis } from './redis-processes.ts';
import type { RedisNode } from './redis-processes.ts';

export class TopologyError extends Error {
  override name = 'TopologyError';
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  while (performance.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err; // the topology is still forming; reported if it never does
    }
    await sleep(100);
  }
  throw new TopologyError(
    `${what}: not within ${timeoutMs} ms${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}`,
  );
}

/** Runs one command on a node through a short-lived connection. */
export async function command(
  node: { host: string; port: number },
  password: string,
  ...args: Array<string | number>
): Promise<unknown> {
  const client = new Redis({
    host: node.host,
    port: node.port,
    password,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    commandTimeout: 3000,
  });
  try {
    await client.connect();
    return await client.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    client.disconnect();
  }
}

export async function role(node: RedisNode, password: string): Promise<string> {
  const reply = (await command(node, password, 'ROLE')) as unknown[];
  return String(reply[0]);
}

export interface ClusterShard {
  master: RedisNode;
  replica: RedisNode;
  start: number;
  end: number;
}

/** 3 masters (even slot ranges) + 1 replica each, all with the password, announcing their own IPs. */
export async function startCluster(password: string): Promise<ClusterShard[]> {
  const config = (host: string): string[] => [
    'cluster-enabled yes',
    'cluster-config-file nodes.conf',
    'cluster-node-timeout 2000',
    // Lets the surviving shards keep serving while one shard has no master; with the default (yes) the whole
    // cluster refuses writes until the failed shard is covered again, which is a different observation.
    'cluster-require-full-coverage no',
    `requirepass ${password}`,
    `masterauth ${password}`,
    `cluster-announce-ip ${host}`,
  ];
  const nodes = await Promise.all(Array.from({ length: 6 }, async () => startRedis({ config, maxPort: 55_000 })));
  for (const other of nodes.slice(1)) await command(nodes[0]!, password, 'CLUSTER', 'MEET', other.host, other.port);
  const ranges = [
    [0, 5460],
    [5461, 10922],
    [10923, 16383],
  ] as const;
  await Promise.all(
    ranges.map(([start, end], i) => command(nodes[i]!, password, 'CLUSTER', 'ADDSLOTSRANGE', start, end)),
  );
  await waitFor('every node knows all 6 nodes', 20_000, async () => {
    const views = await Promise.all(nodes.map((n) => command(n, password, 'CLUSTER', 'NODES')));
    return views.every((v) => String(v).trim().split('\n').length === 6 && !String(v).includes('handshake'));
  });
  const ids = await Promise.all(
    nodes.slice(0, 3).map(async (m) => String(await command(m, password, 'CLUSTER', 'MYID'))),
  );
  for (let i = 0; i < 3; i++) await command(nodes[i + 3]!, password, 'CLUSTER', 'REPLICATE', ids[i]!);
  const shards = ranges.map(([start, end], i) => ({ master: nodes[i]!, replica: nodes[i + 3]!, start, end }));
  await waitForHealthyCluster(shards, password);
  return shards;
}

/** Every node says cluster_state:ok, sees 3 masters and 3 replicas, and every replica's link is up. */
export async function waitForHealthyCluster(
  shards: ClusterShard[],
  password: string,
  timeoutMs = 30_000,
): Promise<void> {
  const live = shards
    .flatMap((s) => [s.master, s.replica])
    .filter((n) => n.process.exitCode === null && n.process.signalCode === null);
  await waitFor('cluster healthy', timeoutMs, async () => {
    for (const node of live) {
      if (!String(await command(node, password, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
      const replication = String(await command(node, password, 'INFO', 'replication'));
      if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
    }
    const view = String(await command(live[0]!, password, 'CLUSTER', 'NODES'));
    const flags = view
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[2] ?? '');
    return (
      flags.filter((f) => f.includes('master') && !f.includes('fail')).length === 3 &&
      flags.filter((f) => f.includes('slave')).length >= live.length - 3
    );
  });
}

export interface SentinelGroup {
  primary: RedisNode;
  replicas: RedisNode[];
  sentinels: RedisNode[];
  masterName: string;
}

/** 1 primary + 2 replicas + 3 Sentinels (quorum 2); Sentinels protected by `sentinelPassword`. */
export async function startSentinelGroup(password: string, sentinelPassword: string): Promise<SentinelGroup> {
  const masterName = 'probe-master';
  const dataConfig = [`requirepass ${password}`, `masterauth ${password}`];
  const primary = await startRedis({ config: dataConfig });
  const replicas = await Promise.all(
    [0, 1].map(async () =>
      startRedis({
        config: (host) => [...dataConfig, `replica-announce-ip ${host}`, `replicaof ${primary.host} ${primary.port}`],
      }),
    ),
  );
  await waitFor('replicas in sync', 20_000, async () =>
    (await Promise.all(replicas.map((r) => command(r, password, 'INFO', 'replication')))).every((info) =>
      String(info).includes('master_link_status:up'),
    ),
  );
  const sentinelConfig = (host: string): string[] => [
    `sentinel announce-ip ${host}`,
    `requirepass ${sentinelPassword}`,
    `sentinel monitor ${masterName} ${primary.host} ${primary.port} 2`,
    `sentinel auth-pass ${masterName} ${password}`,
    `sentinel down-after-milliseconds ${masterName} 2000`,
    `sentinel failover-timeout ${masterName} 5000`,
  ];
  const sentinels = await Promise.all(
    [0, 1, 2].map(async () => startRedis({ sentinel: true, config: sentinelConfig })),
  );
  await waitFor('every Sentinel knows both replicas and the other Sentinels', 30_000, async () => {
    for (const s of sentinels) {
      const known = (await command(s, sentinelPassword, 'SENTINEL', 'REPLICAS', masterName)) as unknown[];
      const peers = (await command(s, sentinelPassword, 'SENTINEL', 'SENTINELS', masterName)) as unknown[];
      if (known.length !== 2 || peers.length !== 2) return false;
    }
    return true;
  });
  return { primary, replicas, sentinels, masterName };
}

/** The primary address the Sentinels currently agree on. */
export async function sentinelPrimary(group: SentinelGroup, sentinelPassword: string): Promise<string> {
  const addr = (await command(
    group.sentinels[0]!,
    sentinelPassword,
    'SENTINEL',
    'GET-MASTER-ADDR-BY-NAME',
    group.masterName,
  )) as string[];
  return `${addr[0]}:${addr[1]}`;
}
