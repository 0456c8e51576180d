/**
 * What this engine does not implement of KubeDB's Reconfigure, refused up front: an ops request asking for it ends
 * Failed before the database is touched, never Successful with part of the request silently ignored.
 */
import type { RedisOpsRequest } from './types.ts';

const UNSUPPORTED_REASON = 'UnsupportedReconfiguration';

const ACL_NOT_SUPPORTED =
  'ACL reconfiguration (spec.configuration.auth: secretRef, syncACL, deleteUsers) is not supported by this engine; ' +
  'remove spec.configuration.auth from the RedisOpsRequest, or change ACL users with a separate tool';

/** Does the request ask for an ACL change (RedisAclSpec with any content; an empty `auth: {}` asks for nothing)? */
function asksForAclChange(ops: RedisOpsRequest): boolean {
  const auth = ops.spec.configuration?.auth;
  if (auth === undefined || auth === null) return false;
  return (auth.secretRef?.name ?? '') !== '' || (auth.syncACL ?? []).length > 0 || (auth.deleteUsers ?? []).length > 0;
}

/** The reason and message to fail the ops request with when it asks for something unsupported, else undefined. */
export function unsupportedReconfigure(ops: RedisOpsRequest): { reason: string; message: string } | undefined {
  if (asksForAclChange(ops)) return { reason: UNSUPPORTED_REASON, message: ACL_NOT_SUPPORTED };
  return undefined;
}
