/**
 * The operator-managed ACL secret `<redis>-acl-<last 6 of uid>` (kubedb apimachinery `ACLSecretName()`, "seeded from
 * spec.configuration.acl.secretRef … and updated on each reconfigure ops request"), key `user_acl.conf`
 * (`RedisAclUserListKey`). Its content is an ACL file (redis.io "ACL", "Using an external ACL file"): one
 * `user <name> <rules...>` line per user. Here every line is exactly the ACL SETUSER arguments the live path sends
 * (`user userName1 reset on #<sha256> allkeys +@string +@set -SADD`), so a pod that loads the file at start and a
 * pod changed live end up identical (Redis 7.0 applies no implicit `reset` to file lines: `sanitize-payload` would
 * differ without the explicit one). Passwords are stored as SHA-256 hashes, never in clear text.
 * The operator's own user is not in the file: its line comes from the auth secret when a pod starts.
 */
import { AclRuleError } from './errors.ts';
import { splitAclTokens } from './tokens.ts';

export const ACL_SECRET_KEY = 'user_acl.conf';

export const aclSecretName = (redisName: string, redisUid: string): string => `${redisName}-acl-${redisUid.slice(-6)}`;

export interface AclFileEntry {
  user: string;
  /** ACL SETUSER arguments, user name first. */
  args: string[];
}

export function renderAclFile(entries: readonly AclFileEntry[]): string {
  return entries.map((e) => `user ${e.args.join(' ')}\n`).join('');
}

/** Parse an ACL file's `user` lines (blank lines skipped), in order. Throws AclRuleError on another line. */
export function parseAclFile(text: string): AclFileEntry[] {
  const entries: AclFileEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let words: string[];
    try {
      words = splitAclTokens(line);
    } catch (err) {
      throw new AclRuleError(undefined, `${ACL_SECRET_KEY} line ${i + 1}: ${(err as Error).message}`);
    }
    const [keyword, user, ...rest] = words;
    if (keyword !== 'user' || user === undefined) {
      throw new AclRuleError(undefined, `${ACL_SECRET_KEY} line ${i + 1} is not a "user <name> <rules...>" line`);
    }
    entries.push({ user, args: [user, ...rest] });
  });
  return entries;
}
