/**
 * ACL changes as plans, all checked before anything is touched:
 * - `buildAclFile`: the first content of the operator's ACL secret, from the Redis's rules + secretRef (provisioning);
 * - `planAclChange`: an ops request's `auth` (syncACL added or replacing by user name, deleteUsers removed) over the
 *   current rules and ACL file: the new rules for spec.configuration.acl, the new ACL file, the ACL SETUSER /
 *   ACL DELUSER to run on every pod and what ACL GETUSER must show afterwards.
 * Rule order follows KubeDB's guide (reconfigure/acl.md, "verify Redis CR spec.acl"): the kept rules in their order,
 * then the rules of new users, then the replaced ones (syncACL [userName1, userName10] over userName1..4 with
 * userName2 deleted gives userName3, userName4, userName10, userName1).
 * Kept users keep their ACL-file line: their `${key}` may name a key of the previous secret only (the guide's
 * userName3 `${k3}` after the secretRef moved to new-acl-secret), so they are never re-resolved when the file has them.
 */
import { parseAclFile, renderAclFile, type AclFileEntry } from './acl-file.ts';
import { AclConflictError, AclProtectedUserError } from './errors.ts';
import {
  checkUserName,
  parseAclRule,
  resolveAclRule,
  type AclRule,
  type AclSecretSource,
  type ResolvedAclRule,
} from './rule.ts';

/** The user KubeDB and the functions authenticate as (the auth secret's `username`). */
export const OPERATOR_USER = 'default';

export interface AclOptions {
  /** Default `default`. */
  operatorUser?: string;
}

/** spec.configuration.acl (current API) or spec.acl (older API, KubeDB's reconfigure example): the first one set. */
export interface RedisAclSpec {
  rules?: string[] | null;
  secretRef?: { name?: string } | null;
}

export function redisAclSpec(spec: {
  acl?: RedisAclSpec | null;
  configuration?: { acl?: RedisAclSpec | null } | null;
}): { spec: RedisAclSpec; field: 'spec.configuration.acl' | 'spec.acl' } | undefined {
  const current = spec.configuration?.acl;
  if (current) return { spec: current, field: 'spec.configuration.acl' };
  return spec.acl ? { spec: spec.acl, field: 'spec.acl' } : undefined;
}

function parseRules(texts: readonly string[], operatorUser: string, what: string): AclRule[] {
  const seen = new Set<string>();
  return texts.map((text) => {
    const rule = parseAclRule(text);
    if (rule.user === operatorUser) throw new AclProtectedUserError(rule.user, 'rule');
    if (seen.has(rule.user)) throw new AclConflictError(`${what} has two rules for user ${rule.user}`);
    seen.add(rule.user);
    return rule;
  });
}

export interface AclFilePlan {
  file: string;
  users: ResolvedAclRule[];
}

/** The ACL file for a set of rules (provisioning): every placeholder resolved now, every rule checked. */
export function buildAclFile(
  rules: readonly string[],
  sources: readonly AclSecretSource[],
  opts: AclOptions = {},
): AclFilePlan {
  const parsed = parseRules(rules, opts.operatorUser ?? OPERATOR_USER, 'the Redis ACL rules');
  const users = parsed.map((r) => resolveAclRule(r, sources));
  return { file: renderAclFile(users), users };
}

export interface AclChangeRequest {
  syncACL?: readonly string[] | null;
  deleteUsers?: readonly string[] | null;
}

export interface AclCurrentState {
  /** The Redis's current rules (redisAclSpec(...).spec.rules). */
  rules: readonly string[];
  /** The current `user_acl.conf` of the operator's ACL secret; undefined when there is none yet. */
  file: string | undefined;
}

export interface AclChangePlan {
  /** New rules for spec.configuration.acl.rules (placeholders kept, as KubeDB's guide shows them). */
  rules: string[];
  /** New `user_acl.conf`. */
  file: string;
  /** ACL SETUSER per synced user, in request order, with what ACL GETUSER must show. */
  set: ResolvedAclRule[];
  /** ACL DELUSER on every pod (also users the rules do not know: a pod may still have them). */
  delete: string[];
  /** Users whose state a pod must capture before the change (restore.ts): set ∪ delete. */
  affectedUsers: string[];
  added: string[];
  updated: string[];
  removed: string[];
  kept: string[];
}

/**
 * The checks an ACL request gets that need no secret value (rules well-formed, the operator's user neither given a
 * rule nor deleted, no user both synced and deleted, no user with two rules): run by halt before it pauses the
 * database and by planAclChange. Throws AclRuleError, AclProtectedUserError or AclConflictError.
 */
export function checkAclRequest(request: AclChangeRequest, opts: AclOptions = {}): { sync: AclRule[]; del: string[] } {
  return checkRequest(request, opts.operatorUser ?? OPERATOR_USER);
}

function checkRequest(request: AclChangeRequest, operatorUser: string): { sync: AclRule[]; del: string[] } {
  const sync = parseRules(request.syncACL ?? [], operatorUser, 'auth.syncACL');
  const del = [...new Set(request.deleteUsers ?? [])];
  for (const name of del) {
    checkUserName(name, 'auth.deleteUsers');
    if (name === operatorUser) throw new AclProtectedUserError(name, 'delete');
    if (sync.some((r) => r.user === name)) {
      throw new AclConflictError(`user ${name} is both in auth.syncACL and in auth.deleteUsers`);
    }
  }
  return { sync, del };
}

/**
 * Plan an ops request's ACL change. `sources`: the ops request's auth.secretRef first, then the Redis's current
 * secretRef (KubeDB's guide: "uses ${k1} from new-acl-secret or the previous secret"). Throws AclRuleError,
 * AclSecretKeyMissingError, AclProtectedUserError or AclConflictError.
 */
export function planAclChange(
  current: AclCurrentState,
  request: AclChangeRequest,
  sources: readonly AclSecretSource[],
  opts: AclOptions = {},
): AclChangePlan {
  const operatorUser = opts.operatorUser ?? OPERATOR_USER;
  const { sync, del } = checkRequest(request, operatorUser);
  const existing = parseRules(current.rules, operatorUser, 'the Redis ACL rules');
  const set = sync.map((r) => resolveAclRule(r, sources));
  const fileLines = new Map(parseAclFile(current.file ?? '').map((e) => [e.user, e] as const));
  const syncUsers = new Set(sync.map((r) => r.user));
  const keptRules = existing.filter((r) => !syncUsers.has(r.user) && !del.includes(r.user));
  const known = new Set([...existing.map((r) => r.user), ...fileLines.keys()]);
  const addedRules = sync.filter((r) => !known.has(r.user));
  const updatedRules = sync.filter((r) => known.has(r.user));
  // The file follows the rules: a kept user's line is copied as it is, or resolved when the file lacks it.
  const keptEntries: AclFileEntry[] = keptRules.map((r) => fileLines.get(r.user) ?? resolveAclRule(r, sources));
  const bySync = (rules: AclRule[]): ResolvedAclRule[] => rules.map((r) => set[sync.indexOf(r)]!);
  const fileEntries = [...keptEntries, ...bySync(addedRules), ...bySync(updatedRules)];
  return {
    rules: [...keptRules, ...addedRules, ...updatedRules].map((r) => r.text),
    file: renderAclFile(fileEntries),
    set,
    delete: del,
    affectedUsers: [...sync.map((r) => r.user), ...del],
    added: addedRules.map((r) => r.user),
    updated: updatedRules.map((r) => r.user),
    removed: del.filter((u) => known.has(u)),
    kept: keptEntries.map((e) => e.user),
  };
}
