/**
 * Sentinel-mode health, observed over the network by the provisioner: exactly one primary among the data pods,
 * every other pod a replica of it with `master_link_status:up`, and every sentinel answering
 * `SENTINEL get-master-addr-by-name` with that primary. Degraded (Critical) while a primary still serves.
 */
import { SENTINEL_PORT } from '../../../../shared/kubedb/topology.ts';
import { parseInfoReplication, type ObservedRole, type ReplicationInfo } from '../../../../shared/redis/replies.ts';
import type { ConnectionOptions } from 'node:tls';
import { redisCallIfUp } from '../runtime/redis-client.ts';
import type { PodAddress } from './cluster-coordinator.ts';
import type { TopologyHealth } from './topology-health.ts';

interface SentinelObservation {
  health: TopologyHealth;
  roles: ObservedRole[];
}

interface PodInfo {
  pod: string;
  ip: string | undefined;
  info: ReplicationInfo | undefined;
}

function findProblems(
  infos: PodInfo[],
  masters: PodInfo[],
  answers: { pod: string; master: string | undefined }[],
): string[] {
  const master = masters.length === 1 ? masters[0] : undefined;
  const problems: string[] = [];
  const down = infos.filter((i) => !i.info).map((i) => i.pod);
  if (down.length) problems.push(`not reachable: ${down.join(', ')}`);
  if (masters.length !== 1) problems.push(`${masters.length} primaries (${masters.map((m) => m.pod).join(', ')})`);
  for (const i of infos) {
    if (i === master || !i.info || i.info.role !== 'replica') continue;
    if (i.info.masterHost !== master?.ip || i.info.masterLinkStatus !== 'up')
      problems.push(`${i.pod} replicates ${i.info.masterHost ?? '?'} (link ${i.info.masterLinkStatus ?? '?'})`);
  }
  const disagree = answers
    .filter((a) => !master || a.master !== master.ip)
    .map((a) => `${a.pod}→${a.master ?? 'none'}`);
  if (disagree.length) problems.push(`sentinels disagree: ${disagree.join(', ')}`);
  return problems;
}

export async function observeSentinelTopology(opts: {
  dataPods: PodAddress[];
  sentinels: PodAddress[];
  masterName: string;
  password: string | undefined;
  sentinelPassword: string | undefined;
  /** TLS-only data pods / sentinels (spec.tls): the client certificate to connect with. */
  tls?: ConnectionOptions | undefined;
  sentinelTls?: ConnectionOptions | undefined;
}): Promise<SentinelObservation> {
  const infos: PodInfo[] = await Promise.all(
    opts.dataPods.map(async (p) => {
      const text = p.ip
        ? await redisCallIfUp({ host: p.ip, port: 6379, password: opts.password, tls: opts.tls }, 'INFO', 'replication')
        : undefined;
      return { pod: p.pod, ip: p.ip, info: typeof text === 'string' ? parseInfoReplication(text) : undefined };
    }),
  );
  const answers = await Promise.all(
    opts.sentinels.map(async (s) => {
      const reply = s.ip
        ? await redisCallIfUp(
            { host: s.ip, port: SENTINEL_PORT, password: opts.sentinelPassword, tls: opts.sentinelTls },
            'SENTINEL',
            'get-master-addr-by-name',
            opts.masterName,
          )
        : undefined;
      return { pod: s.pod, master: Array.isArray(reply) ? String(reply[0]) : undefined };
    }),
  );
  const masters = infos.filter((i) => i.info?.role === 'master');
  const master = masters.length === 1 ? masters[0] : undefined;
  const podOfIp = new Map(infos.map((i) => [i.ip, i.pod]));
  const roles: ObservedRole[] = infos
    .filter((i): i is typeof i & { info: ReplicationInfo } => i.info !== undefined)
    .map((i) => {
      const masterPod = i.info.masterHost ? podOfIp.get(i.info.masterHost) : undefined;
      return { pod: i.pod, role: i.info.role, ...(masterPod ? { masterPod } : {}) };
    });
  const problems = findProblems(infos, masters, answers);
  if (problems.length === 0)
    return {
      roles,
      health: {
        state: 'healthy',
        message: `primary ${master!.pod}, ${infos.length - 1} replicas in sync, ${answers.length} sentinels agree`,
      },
    };
  return { roles, health: { state: master ? 'degraded' : 'down', message: problems.join('; ') } };
}
