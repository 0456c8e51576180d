/**
 * Pure builders of what KubeDB creates for a RedisSentinel (kubedb.com/v1; KubeDB's sentinel guide, https://kubedb.com/docs/latest/guides/redis/sentinel/): auth secret
 * `<sentinel>-auth` (the sentinels' own `requirepass`; the monitored Redis's password is given to them separately
 * as `auth-pass`), services `<sentinel>` / `<sentinel>-pods` on 26379, and the PetSet `<sentinel>` (spec.replicas,
 * default 3) whose container `redissentinel` runs sentinel.sh (emulated by the kubelet) with /data on a PVC, where
 * the sentinel keeps the sentinel.conf it rewrites.
 */
import { PETSET_NAME_LABEL, SENTINEL_CONTAINER, SENTINEL_RESOURCE_NAME } from '../names.ts';
import {
  SENTINEL_PORT,
  sentinelAuthSecretName,
  sentinelReplicas,
  type RedisSentinel,
} from '../../../../shared/kubedb/topology.ts';
import { PETSET_API_VERSION, basicAuthSecret, governingServiceName, storageRequest } from './builders.ts';
import { tlsArgs, tlsVolume, TLS_VOLUME_MOUNT } from './tls-args.ts';
import type { Distribution } from './versions.ts';

export const sentinelSelectors = (name: string): Record<string, string> => ({
  'app.kubernetes.io/name': SENTINEL_RESOURCE_NAME,
  'app.kubernetes.io/instance': name,
  'app.kubernetes.io/managed-by': 'kubedb.com',
});

function meta(
  s: RedisSentinel,
  name: string,
  labels: Record<string, string> = sentinelSelectors(s.metadata.name),
): Record<string, unknown> {
  const owner = {
    apiVersion: 'kubedb.com/v1',
    kind: 'RedisSentinel',
    name: s.metadata.name,
    uid: s.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
  return { name, namespace: s.metadata.namespace, labels, ownerReferences: [owner] };
}

export const buildSentinelAuthSecret = (s: RedisSentinel): Record<string, unknown> =>
  basicAuthSecret(meta(s, sentinelAuthSecretName(s)));

export function buildSentinelServices(s: RedisSentinel): Record<string, unknown>[] {
  const selector = sentinelSelectors(s.metadata.name);
  const port = { name: 'sentinel', port: SENTINEL_PORT, targetPort: 'sentinel', protocol: 'TCP' };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(s, s.metadata.name),
      spec: { selector, ports: [port], type: 'ClusterIP' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(s, governingServiceName(s.metadata.name)),
      spec: { selector, ports: [port], clusterIP: 'None', publishNotReadyAddresses: true },
    },
  ];
}

export function buildSentinelPetSet(
  s: RedisSentinel,
  image: string,
  distribution: Distribution,
  /** spec.tls with its certificate secrets issued: TLS-only sentinels (tls-args.ts). */
  tls = false,
): Record<string, unknown> {
  const selector = sentinelSelectors(s.metadata.name);
  const labels = { ...selector, 'app.kubernetes.io/component': 'database', [PETSET_NAME_LABEL]: s.metadata.name };
  const container = {
    name: SENTINEL_CONTAINER,
    image,
    ports: [{ name: 'sentinel', containerPort: SENTINEL_PORT, protocol: 'TCP' }],
    ...(tls ? { args: tlsArgs('Sentinel-server', SENTINEL_PORT) } : {}),
    env: [
      { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: sentinelAuthSecretName(s), key: 'password' } } },
      { name: 'DISTRIBUTION', value: distribution },
      {
        name: 'GOVERNING_SERVICE',
        value: `${governingServiceName(s.metadata.name)}.${s.metadata.namespace ?? 'default'}`,
      },
    ],
    volumeMounts: [{ name: 'data', mountPath: '/data' }, ...(tls ? [TLS_VOLUME_MOUNT] : [])],
  };
  const volumes = tls ? { volumes: [tlsVolume(s.metadata.name)] } : {};
  const spec = {
    replicas: sentinelReplicas(s),
    selector: { matchLabels: selector },
    serviceName: governingServiceName(s.metadata.name),
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'OnDelete' },
    template: {
      metadata: { labels },
      spec: { containers: [container], ...volumes, terminationGracePeriodSeconds: 30 },
    },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: storageRequest(s.spec) }],
  };
  return { apiVersion: PETSET_API_VERSION, kind: 'PetSet', metadata: meta(s, s.metadata.name, labels), spec };
}
