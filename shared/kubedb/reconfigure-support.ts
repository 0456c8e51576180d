/**
 * What a Reconfigure ops request asks for, read the same way by halt (KubeDB's webhook check) and apply-config: a
 * configuration change (configSecret / applyConfig / removeCustomConfig) and/or an ACL change (`auth`, ADR 0012).
 * Every part of KubeDB's Reconfigure is carried out now, so nothing is refused here any more.
 */
import type { RedisOpsRequest } from './types.ts';

type Configuration = NonNullable<RedisOpsRequest['spec']['configuration']>;
type AclRequest = NonNullable<Configuration['auth']>;

/** The request's ACL change (RedisAclSpec with any content), else undefined: an empty `auth: {}` asks for nothing. */
export function aclChangeOf(ops: RedisOpsRequest): AclRequest | undefined {
  const auth = ops.spec.configuration?.auth;
  if (auth === undefined || auth === null) return undefined;
  const asks =
    (auth.secretRef?.name ?? '') !== '' || (auth.syncACL ?? []).length > 0 || (auth.deleteUsers ?? []).length > 0;
  return asks ? auth : undefined;
}

/** Does the request change the configuration (configSecret, a non-empty applyConfig, or removeCustomConfig)? */
export function asksForConfigChange(ops: RedisOpsRequest): boolean {
  const cfg = ops.spec.configuration;
  if (cfg === undefined || cfg === null) return false;
  const hasApply = cfg.applyConfig !== undefined && Object.keys(cfg.applyConfig).length > 0;
  return cfg.removeCustomConfig === true || cfg.configSecret !== undefined || hasApply;
}
