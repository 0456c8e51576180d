/**
 * The provisioner's coordinator step for multi-pod topologies, after the workloads exist: Cluster mode forms /
 * repairs the cluster and judges its health (coordinator/cluster-coordinator.ts); Sentinel mode judges primary,
 * replicas and sentinel agreement (coordinator/sentinel-health.ts; the pods' start scripts do the rest, as in
 * KubeDB). Addresses come from the pods' status (the API), passwords from the auth secrets; talking to pods is
 * over the network only. Standalone has no topology (undefined).
 */
import type { ConnectionOptions } from 'node:tls';
import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import type { Redis } from '../../../../shared/kubedb/types.ts';
import {
  clusterShape,
  redisMode,
  sentinelMasterName,
  sentinelPodNames,
  type RedisSentinel,
} from '../../../../shared/kubedb/topology.ts';
import { podNames } from '../names.ts';
import { coordinateCluster, type PodAddress } from '../coordinator/cluster-coordinator.ts';
import { observeSentinelTopology } from '../coordinator/sentinel-health.ts';
import type { TopologyHealth } from '../coordinator/topology-health.ts';
import type { Logger } from '../runtime/log.ts';
import { certSecretName, issuerRefOf, serverIdentity } from './certificates.ts';

interface TopologyInputs {
  pod(namespace: string, name: string): V1Pod | undefined;
  secret(namespace: string, name: string): V1Secret | undefined;
}

const secretPassword = (s: V1Secret | undefined): string | undefined => {
  const v = s?.data?.['password'];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
};

function addresses(inputs: TopologyInputs, namespace: string, names: string[]): PodAddress[] {
  return names.map((pod) => {
    const p = inputs.pod(namespace, pod);
    return { pod, ip: p && !p.metadata?.deletionTimestamp ? p.status?.podIP : undefined };
  });
}

/**
 * How the provisioner's coordinator connects to a TLS-only database: as its clients do, with `<db>-client-cert`
 * (CA, certificate, key), verifying the server certificate against the database's service name.
 */
function clientTlsOf(inputs: TopologyInputs, namespace: string, db: string): ConnectionOptions | undefined {
  const secret = inputs.secret(namespace, certSecretName(db, 'client'));
  const key = (k: string): string | undefined => {
    const v = secret?.data?.[k];
    return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
  };
  const [ca, cert, privateKey] = [key('ca.crt'), key('tls.crt'), key('tls.key')];
  if (!ca || !cert || !privateKey) return undefined;
  return { ca, cert, key: privateKey, servername: serverIdentity(db, namespace) };
}

export async function topologyStep(
  redis: Redis,
  ctx: {
    inputs: TopologyInputs;
    /** Undefined with spec.disableAuth. */
    authSecret?: string;
    /** spec.tls: the pods listen on TLS only. */
    tls?: boolean;
    sentinel?: { object: RedisSentinel; authSecret: string };
    log: Logger;
  },
): Promise<TopologyHealth | undefined> {
  const ns = redis.metadata.namespace ?? 'default';
  const password = ctx.authSecret ? secretPassword(ctx.inputs.secret(ns, ctx.authSecret)) : undefined;
  const tls = ctx.tls ? clientTlsOf(ctx.inputs, ns, redis.metadata.name) : undefined;
  const mode = redisMode(redis);
  if (mode === 'Cluster') {
    const round = await coordinateCluster(
      addresses(ctx.inputs, ns, podNames(redis)),
      clusterShape(redis),
      { password, tls },
      ctx.log,
    );
    return round.health;
  }
  if (mode === 'Sentinel' && ctx.sentinel) {
    const s = ctx.sentinel.object;
    const sns = s.metadata.namespace ?? ns;
    const observed = await observeSentinelTopology({
      dataPods: addresses(ctx.inputs, ns, podNames(redis)),
      sentinels: addresses(ctx.inputs, sns, sentinelPodNames(s)),
      masterName: sentinelMasterName(redis),
      password,
      sentinelPassword: secretPassword(ctx.inputs.secret(sns, ctx.sentinel.authSecret)),
      tls,
      sentinelTls: issuerRefOf(s.spec) ? clientTlsOf(ctx.inputs, sns, s.metadata.name) : undefined,
    });
    return observed.health;
  }
  return undefined;
}
