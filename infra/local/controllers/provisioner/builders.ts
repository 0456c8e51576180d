/**
 * Pure builders of the objects KubeDB's provisioner creates for a Redis (KubeDB's redis_helpers.go naming, https://github.com/kubedb/apimachinery apis/kubedb/v1):
 * auth secret, operator-managed config secret, primary + governing services, and the PetSets of every mode.
 */
import { randomBytes } from 'node:crypto';
import {
  ConfigKey,
  REDIS_PORT,
  authSecretName,
  managedConfigSecretName,
  offshootSelectors,
} from '../../../../shared/kubedb/constants.ts';
import type { Redis } from '../../../../shared/kubedb/types.ts';
import { PETSET_NAME_LABEL, SHARD_LABEL, dataReplicas, petSetNames } from '../names.ts';
import {
  clusterShape,
  redisMode,
  sentinelMasterName,
  sentinelReplicas,
  type RedisSentinel,
} from '../../../../shared/kubedb/topology.ts';
import { probeCommand, tlsArgs, tlsVolume, TLS_VOLUME_MOUNT } from './tls-args.ts';
import type { Distribution } from './versions.ts';

export const PETSET_API_VERSION = 'apps.k8s.appscode.com/v1';
/** Lets the provisioner tell "template changed" from "the server normalised something" without deep diffs. */
export const TEMPLATE_HASH_ANNOTATION = 'local.kubedb.dev/petset-spec-hash';

export function ownerRef(redis: Redis): Record<string, unknown> {
  return {
    apiVersion: redis.apiVersion ?? 'kubedb.com/v1',
    kind: 'Redis',
    name: redis.metadata.name,
    uid: redis.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

function meta(
  redis: Redis,
  name: string,
  labels: Record<string, string> = offshootSelectors(redis.metadata.name),
): Record<string, unknown> {
  return { name, namespace: redis.metadata.namespace, labels, ownerReferences: [ownerRef(redis)] };
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function buildAuthSecret(redis: Redis): Record<string, unknown> {
  return basicAuthSecret(meta(redis, authSecretName(redis.metadata.name)));
}

export function basicAuthSecret(metadata: Record<string, unknown>): Record<string, unknown> {
  // 24 random bytes in base64url: 32 chars, no characters that need quoting in redis.conf or a shell.
  const password = randomBytes(24).toString('base64url');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata,
    type: 'kubernetes.io/basic-auth',
    data: { username: b64('default'), password: b64(password) },
  };
}

export function buildConfigSecret(redis: Redis, effectiveConfig: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(redis, managedConfigSecretName(redis.metadata.name, redis.metadata.uid ?? '')),
    type: 'Opaque',
    data: { [ConfigKey.Default]: b64(effectiveConfig) },
  };
}

export function buildServices(redis: Redis): Record<string, unknown>[] {
  const name = redis.metadata.name;
  const selector = offshootSelectors(name);
  const port = { name: 'db', port: REDIS_PORT, targetPort: 'db', protocol: 'TCP' };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(redis, name),
      spec: { selector, ports: [port], type: 'ClusterIP' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(redis, governingServiceName(name)),
      // Headless governing service: gives each PetSet pod a stable DNS name <pod>.<name>-pods.
      spec: { selector, ports: [port], clusterIP: 'None', publishNotReadyAddresses: true },
    },
  ];
}

export const governingServiceName = (name: string): string => `${name}-pods`;

interface PetSetInput {
  redis: Redis;
  distribution: Distribution;
  image: string;
  /** Undefined with spec.disableAuth: no REDIS_PASSWORD, so the start script sets no requirepass. */
  authSecret: string | undefined;
  configSecret: string;
  /** spec.tls set and its certificate secrets issued: TLS-only pods (tls-args.ts). */
  tls?: boolean;
  /** Sentinel mode: the RedisSentinel named by spec.sentinelRef (same namespace) and its auth secret. */
  sentinel?: { object: RedisSentinel; authSecret: string };
}

type EnvVar = Record<string, unknown>;

function podTemplate(input: PetSetInput, labels: Record<string, string>, extraEnv: EnvVar[]): Record<string, unknown> {
  const valkey = input.distribution === 'Valkey';
  const configVolume = valkey ? 'valkey-config' : 'redis-config';
  const configPath = valkey ? '/usr/local/etc/valkey/' : '/usr/local/etc/redis/';
  const tls = input.tls === true;
  const passwordEnv = input.authSecret
    ? [{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: input.authSecret, key: 'password' } } }]
    : [];
  return {
    metadata: { labels },
    spec: {
      containers: [
        {
          name: 'redis',
          image: input.image,
          ports: [{ name: 'db', containerPort: REDIS_PORT, protocol: 'TCP' }],
          ...(tls ? { args: tlsArgs(redisMode(input.redis)) } : {}),
          env: [
            ...passwordEnv,
            { name: 'DISTRIBUTION', value: input.distribution },
            { name: 'REDIS_MODE', value: input.redis.spec.mode ?? 'Standalone' },
            ...extraEnv,
          ],
          volumeMounts: [
            { name: 'data', mountPath: '/data' },
            { name: configVolume, mountPath: configPath },
            ...(tls ? [TLS_VOLUME_MOUNT] : []),
          ],
          readinessProbe: {
            exec: { command: ['sh', '-c', probeCommand(tls, input.authSecret !== undefined)] },
            periodSeconds: 10,
            timeoutSeconds: 5,
          },
        },
      ],
      volumes: [
        { name: configVolume, secret: { secretName: input.configSecret, defaultMode: 0o400 } },
        ...(tls ? [tlsVolume(input.redis.metadata.name)] : []),
      ],
      terminationGracePeriodSeconds: 30,
    },
  };
}

export function storageRequest(spec: Record<string, unknown>): Record<string, unknown> {
  const storage = spec['storage'] as Record<string, unknown> | undefined;
  return storage ?? { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
}

/** Env of a Sentinel-mode data pod: what KubeDB's sentinel on-start.sh reads ($SENTINEL_REPLICAS is our stand-in for redis-node-finder). */
function sentinelModeEnv(input: PetSetInput): EnvVar[] {
  const s = input.sentinel!;
  const ns = s.object.metadata.namespace ?? 'default';
  return [
    { name: 'SENTINEL_NAME', value: s.object.metadata.name },
    { name: 'SENTINEL_GOVERNING_SERVICE', value: `${governingServiceName(s.object.metadata.name)}.${ns}` },
    { name: 'SENTINEL_REPLICAS', value: String(sentinelReplicas(s.object)) },
    { name: 'SENTINEL_PASSWORD', valueFrom: { secretKeyRef: { name: s.authSecret, key: 'password' } } },
    { name: 'REDIS_CLUSTER_REGISTERED_NAME', value: sentinelMasterName(input.redis) },
    { name: 'DATABASE_NAME', value: input.redis.metadata.name },
    { name: 'DATABASE_GOVERNING_SERVICE', value: governingServiceName(input.redis.metadata.name) },
  ];
}

function petSet(
  input: PetSetInput,
  name: string,
  replicas: number,
  selector: Record<string, string>,
  extraEnv: EnvVar[],
): Record<string, unknown> {
  const labels = { ...selector, 'app.kubernetes.io/component': 'database', [PETSET_NAME_LABEL]: name };
  const spec = {
    replicas,
    selector: { matchLabels: selector },
    serviceName: governingServiceName(input.redis.metadata.name),
    podManagementPolicy: 'OrderedReady',
    // OnDelete: a template change never restarts a pod by itself (the ops-manager restarts pods one by one);
    // a pod recreated for any reason picks up the current template.
    updateStrategy: { type: 'OnDelete' },
    template: podTemplate(input, labels, extraEnv),
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: storageRequest(input.redis.spec) }],
  };
  return { apiVersion: PETSET_API_VERSION, kind: 'PetSet', metadata: meta(input.redis, name, labels), spec };
}

/**
 * The PetSets a Redis needs (redis_helpers.go PetSetNameWithShard): Standalone one PetSet `<name>` with 1 replica; Sentinel one PetSet
 * `<name>` with spec.replicas pods; Cluster one PetSet `<name>-shard<i>` per shard with spec.cluster.replicas pods,
 * selected by the shard label as well (a PetSet must select only its own pods).
 */
export function petSetPlan(input: PetSetInput): Record<string, unknown>[] {
  const redis = input.redis;
  const base = offshootSelectors(redis.metadata.name);
  switch (redisMode(redis)) {
    case 'Cluster': {
      const { replicas } = clusterShape(redis);
      return petSetNames(redis).map((name, shard) =>
        petSet(input, name, replicas, { ...base, [SHARD_LABEL]: String(shard) }, []),
      );
    }
    case 'Sentinel':
      if (!input.sentinel) throw new Error('petSetPlan: Sentinel mode needs the RedisSentinel');
      return [petSet(input, redis.metadata.name, dataReplicas(redis), base, sentinelModeEnv(input))];
    default:
      return [petSet(input, redis.metadata.name, 1, base, [])];
  }
}
