/**
 * Parsers of the Redis replies that say who is master now (`CLUSTER NODES`, `INFO replication`, Sentinel's flat
 * key/value arrays), and what they are parsed into. Redis defines these formats, not KubeDB: the steps and the local
 * simulator both read them. Pure: no I/O.
 */

/** Hash slots of a Redis Cluster (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/). */
export const CLUSTER_SLOTS = 16384;

/** What a pod is now, as observed on the wire (never inferred from its ordinal). */
export interface ObservedRole {
  pod: string;
  role: 'master' | 'replica';
  shard?: number;
  /** For a replica: the pod it replicates from, when known. */
  masterPod?: string;
}

/** One line of `CLUSTER NODES` (https://redis.io/docs/latest/commands/cluster-nodes/). */
export interface ClusterNode {
  nodeId: string;
  ip: string;
  port: number;
  busPort: number;
  role: 'master' | 'replica' | 'unknown';
  /** For a replica: the node id of its master. */
  masterId: string | undefined;
  /** Inclusive slot ranges served; importing/migrating markers (`[slot->-id]`) are left out. */
  slots: [number, number][];
  linkState: 'connected' | 'disconnected';
  configEpoch: number;
  /** myself, master, slave, fail?, fail, handshake, noaddr, nofailover, noflags. */
  flags: string[];
}

function parseAddress(addr: string): { ip: string; port: number; busPort: number } {
  const [hostPort = '', bus = '0'] = (addr.split(',')[0] ?? '').split('@');
  const colon = hostPort.lastIndexOf(':');
  return { ip: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) || 0, busPort: Number(bus) || 0 };
}

function parseSlots(tokens: string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const t of tokens) {
    if (t.startsWith('[')) continue;
    const [a, b] = t.split('-');
    const start = Number(a);
    const end = b === undefined ? start : Number(b);
    if (Number.isInteger(start) && Number.isInteger(end)) out.push([start, end]);
  }
  return out;
}

export function parseClusterNodes(text: string): ClusterNode[] {
  const nodes: ClusterNode[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim().split(/\s+/);
    if (t.length < 8) continue;
    const flags = (t[2] ?? '').split(',');
    const master = t[3] ?? '-';
    nodes.push({
      nodeId: t[0]!,
      ...parseAddress(t[1]!),
      role: flags.includes('master') ? 'master' : flags.includes('slave') ? 'replica' : 'unknown',
      masterId: master === '-' ? undefined : master,
      slots: parseSlots(t.slice(8)),
      linkState: t[7] === 'connected' ? 'connected' : 'disconnected',
      configEpoch: Number(t[6]) || 0,
      flags,
    });
  }
  return nodes;
}

/** A node that is failed or unreachable as far as the reporting node knows. */
export const isFailedNode = (n: ClusterNode): boolean =>
  n.flags.some((f) => f === 'fail' || f === 'fail?' || f === 'noaddr' || f === 'handshake');

export const slotCount = (n: ClusterNode): number => n.slots.reduce((sum, [a, b]) => sum + (b - a + 1), 0);

/** `INFO` sections as key → value (lines `key:value`; `#` headers and blanks skipped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

interface ReplicaEntry {
  ip: string;
  port: number;
  state: string;
  offset: number;
  lag: number;
}

export interface ReplicationInfo {
  role: 'master' | 'replica';
  /** Replica only. */
  masterHost?: string;
  masterPort?: number;
  masterLinkStatus?: 'up' | 'down';
  /** Master only: the replicas attached now (`slaveN:` lines). */
  replicas: ReplicaEntry[];
  masterReplOffset: number;
}

function parseReplicaEntry(value: string): ReplicaEntry {
  const kv = Object.fromEntries(value.split(',').map((p) => p.split('=') as [string, string]));
  return {
    ip: kv['ip'] ?? '',
    port: Number(kv['port']) || 0,
    state: kv['state'] ?? '',
    offset: Number(kv['offset']) || 0,
    lag: Number(kv['lag']) || 0,
  };
}

/** `INFO replication` → role (Redis says `slave`, we say `replica`), master address and link, attached replicas. */
export function parseInfoReplication(text: string): ReplicationInfo {
  const info = parseInfo(text);
  const replicas = Object.keys(info)
    .filter((k) => /^slave\d+$/.test(k))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .map((k) => parseReplicaEntry(info[k]!));
  const base = { replicas, masterReplOffset: Number(info['master_repl_offset']) || 0 };
  if (info['role'] !== 'slave') return { role: 'master', ...base };
  return {
    role: 'replica',
    ...base,
    ...(info['master_host'] ? { masterHost: info['master_host'] } : {}),
    ...(info['master_port'] ? { masterPort: Number(info['master_port']) } : {}),
    masterLinkStatus: info['master_link_status'] === 'up' ? 'up' : 'down',
  };
}

/** Sentinel replies such as `SENTINEL MASTER` / `SENTINEL REPLICAS` entries are flat [k1, v1, k2, v2, ...] arrays. */
export function pairsToRecord(flat: unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}
