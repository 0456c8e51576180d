/**
 * What halt and apply-config both need to judge an ACL request (docs/adr/0012-acl-reconfigure.md), in one place:
 * the operator's own user (the auth secret's `username`, `default` when it has none or auth is disabled), and the
 * checks that need no secret value, made by halt before it pauses the database — the same refusal, reason and
 * message apply-config's planAclChange would give later.
 */
import { checkAclRequest, OPERATOR_USER } from '../acl/index.ts';
import { authSecretName } from '../kubedb/constants.ts';
import { aclChangeOf } from '../kubedb/reconfigure-support.ts';
import type { Redis, RedisOpsRequest } from '../kubedb/types.ts';
import type { KubePort } from './ports.ts';

/**
 * The user KubeDB and the functions authenticate as. Reads the auth secret only; a missing one is reported where
 * the pods are reached (credentials, AuthSecretNotFound), so here it means the default user.
 */
export async function operatorUserOf(redis: Redis, kube: KubePort): Promise<string> {
  if (redis.spec.disableAuth === true) return OPERATOR_USER;
  const name = redis.spec.authSecret?.name ?? authSecretName(redis.metadata.name);
  const secret = await kube.getSecret(redis.metadata.namespace ?? '', name);
  return secret?.data['username'] ?? OPERATOR_USER;
}

/** Refuse (OpsRequestFailedError) an ACL request that can never succeed, from the request and the auth secret alone. */
export async function checkAclRequestOf(ops: RedisOpsRequest, redis: Redis, kube: KubePort): Promise<void> {
  const request = aclChangeOf(ops);
  if (request === undefined) return;
  checkAclRequest(request, { operatorUser: await operatorUserOf(redis, kube) });
}
