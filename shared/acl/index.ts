/** The pure ACL model (no I/O): KubeDB ACL rules → ACL SETUSER arguments, the ACL secret's file, checks, undo. */
export { ACL_SECRET_KEY, aclSecretName, parseAclFile, renderAclFile, type AclFileEntry } from './acl-file.ts';
export {
  AclCommandRefusedError,
  AclConflictError,
  AclProtectedUserError,
  AclReason,
  AclRuleError,
  AclSecretKeyMissingError,
} from './errors.ts';
export { applyAclArgs, resetUser, type AclUserModel } from './model.ts';
export {
  OPERATOR_USER,
  buildAclFile,
  checkAclRequest,
  planAclChange,
  redisAclSpec,
  type AclChangePlan,
  type AclChangeRequest,
  type AclCurrentState,
  type AclFilePlan,
  type AclOptions,
  type RedisAclSpec,
} from './plan.ts';
export {
  captureAclUsers,
  parseAclList,
  restoreAclUsers,
  unrestoredUsers,
  type AclRestorePlan,
  type AclUserSnapshot,
} from './restore.ts';
export {
  parseAclRule,
  placeholderKeys,
  resolveAclRule,
  sha256Hex,
  type AclRule,
  type AclSecretSource,
  type ResolvedAclRule,
} from './rule.ts';
export { checkToken, isSecretToken, redactAclReply, splitAclTokens } from './tokens.ts';
export { diffAclUsers, parseAclGetUser, verifyAclPlan, verifyAclUser, type AclUserReply } from './verify.ts';
