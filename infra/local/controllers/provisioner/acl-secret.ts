/**
 * The operator-managed ACL secret `<redis>-acl-<uid[-6:]>` (key `user_acl.conf`, shared/acl/acl-file.ts), for a
 * Redis with ACL rules in spec.configuration.acl (current API) or spec.acl (older API, KubeDB's reconfigure example).
 * KubeDB's helper says it is "seeded from spec.configuration.acl.secretRef … and updated on each reconfigure ops
 * request": so it is created once, from the rules with their `${key}` placeholders resolved from the secretRef
 * secret, and then left alone — the ops request (not the provisioner) changes it. That matters: after KubeDB's
 * example ops request the rules still name `${k3}`, which only the previous secret holds.
 * Until it can be built (the secretRef secret missing, a key missing, a malformed rule), the Redis reports the
 * problem and gets no PetSet, like a missing config secret. Its pods mount it at ACL_MOUNT (kubelet/acl-file.ts).
 */
import type { V1Secret } from '@kubernetes/client-node';
import { ACL_SECRET_KEY, aclSecretName } from '../../../../shared/acl/acl-file.ts';
import { buildAclFile, redisAclSpec, type RedisAclSpec } from '../../../../shared/acl/plan.ts';
import type { AclSecretSource } from '../../../../shared/acl/rule.ts';
import { OpsRequestFailedError } from '../../../../shared/errors.ts';
import { offshootSelectors } from '../../../../shared/kubedb/constants.ts';
import type { Redis } from '../../../../shared/kubedb/types.ts';
import { ACL_MOUNT, ACL_VOLUME } from '../kubelet/acl-file.ts';
import { createIfAbsent, type KubeApis } from '../runtime/kube.ts';
import { ownerRef } from './builders.ts';
import type { Problem } from './status.ts';

interface AclSecretState {
  /** Set when the Redis has ACL rules: the secret its pods mount. */
  name?: string;
  /** False while the secret cannot be built yet (then `problem` says why): no PetSet until it exists. */
  ready: boolean;
  problem?: Problem;
}

type SecretCache = (namespace: string, name: string) => V1Secret | undefined;

const decodeAll = (secret: V1Secret): Record<string, string> =>
  Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')] as const),
  );

/** The Redis's ACL spec, if it has any rules. */
export function aclSpecOf(redis: Redis): RedisAclSpec | undefined {
  const spec = redisAclSpec(redis.spec)?.spec;
  return spec && (spec.rules ?? []).length > 0 ? spec : undefined;
}

function sourcesOf(redis: Redis, spec: RedisAclSpec, secret: SecretCache): AclSecretSource[] | Problem {
  const ns = redis.metadata.namespace ?? 'default';
  const ref = spec.secretRef?.name;
  if (!ref) return [];
  const found = secret(ns, ref);
  if (!found) return { reason: 'ACLSecretNotFound', message: `ACL secret ${ns}/${ref} (acl.secretRef) not found` };
  return [{ name: `${ns}/${ref}`, data: decodeAll(found) }];
}

function buildAclSecret(redis: Redis, file: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: aclSecretName(redis.metadata.name, redis.metadata.uid ?? ''),
      namespace: redis.metadata.namespace,
      labels: offshootSelectors(redis.metadata.name),
      ownerReferences: [ownerRef(redis)],
    },
    type: 'Opaque',
    data: { [ACL_SECRET_KEY]: Buffer.from(file, 'utf8').toString('base64') },
  };
}

/** Create the ACL secret if the Redis has rules and it does not exist yet; never rewrite an existing one. */
export async function ensureAclSecret(apis: KubeApis, redis: Redis, secret: SecretCache): Promise<AclSecretState> {
  const spec = aclSpecOf(redis);
  if (!spec) return { ready: true };
  const ns = redis.metadata.namespace ?? 'default';
  const name = aclSecretName(redis.metadata.name, redis.metadata.uid ?? '');
  if (secret(ns, name)) return { name, ready: true };
  const sources = sourcesOf(redis, spec, secret);
  if (!Array.isArray(sources)) return { name, ready: false, problem: sources };
  let file: string;
  try {
    file = buildAclFile(spec.rules ?? [], sources).file;
  } catch (err) {
    if (!(err instanceof OpsRequestFailedError)) throw err;
    return { name, ready: false, problem: { reason: err.reason, message: err.message } };
  }
  await createIfAbsent(() => apis.core.createNamespacedSecret({ namespace: ns, body: buildAclSecret(redis, file) }));
  return { name, ready: true };
}

interface PodSpecShape {
  containers: { name: string; volumeMounts: unknown[] }[];
  volumes: unknown[];
}

/** Mount the ACL secret into the database container of each PetSet's pod template (no-op without ACL). */
export function addAclVolume(
  petSets: Record<string, unknown>[],
  aclSecret: string | undefined,
): Record<string, unknown>[] {
  if (!aclSecret) return petSets;
  for (const petSet of petSets) {
    const spec = ((petSet['spec'] as Record<string, unknown>)['template'] as { spec: PodSpecShape }).spec;
    const container = spec.containers.find((c) => c.name === 'redis') ?? spec.containers[0];
    container?.volumeMounts.push({ name: ACL_VOLUME, mountPath: ACL_MOUNT, readOnly: true });
    spec.volumes.push({ name: ACL_VOLUME, secret: { secretName: aclSecret, defaultMode: 0o400 } });
  }
  return petSets;
}
