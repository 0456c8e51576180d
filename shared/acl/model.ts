/**
 * What ACL SETUSER does to a user's flags, passwords, key and channel patterns, simulated on resolved arguments
 * (passwords already turned into `#<sha256>`): used to refuse what Redis would refuse before any pod is touched, and
 * to state what `ACL GETUSER` must show afterwards. Semantics checked on redis-server 7.0.15 (shared/acl/acl.redis.test.ts):
 * - `reset` = resetpass, resetkeys, resetchannels (acl-pubsub-default's default), off, clearselectors, -@all;
 * - `>p`/`#h` add a password and clear nopass; `nopass` drops every password; `resetpass` drops both;
 * - `allkeys` / `~*` replace every key pattern; a pattern after them is an error; `%RW~p` shows as `~p`, `%r~p` as
 *   `%R~p`; duplicates are kept once. Channels alike with `allchannels` / `&*`.
 * The commands string is not predicted: Redis drops rules that change nothing (`+@all +get` shows `+@all`), which
 * needs its command table; pods are compared with each other for that (verify.ts).
 */
import { AclRuleError } from './errors.ts';

export interface AclUserModel {
  enabled: boolean;
  nopass: boolean;
  /** SHA-256 hex digests, as ACL GETUSER lists them. */
  passwords: string[];
  /** Root key patterns as GETUSER shows them (`~*`, `%R~p`, `~p`). */
  keys: string[];
  /** Root channel patterns (`&*`, `&p`). */
  channels: string[];
  /** Number of selectors `( ... )`. */
  selectors: number;
}

export const resetUser = (): AclUserModel => ({
  enabled: false,
  nopass: false,
  passwords: [],
  keys: [],
  channels: [],
  selectors: 0,
});

const PATTERN_AFTER_STAR = (what: 'key' | 'channel'): string =>
  `adding a ${what} pattern after the * pattern (or the 'all${what === 'key' ? 'keys' : 'channels'}' flag) has no ` +
  `effect and Redis refuses it; use reset${what === 'key' ? 'keys' : 'channels'} first`;

function keyPattern(token: string): string {
  if (token.startsWith('~')) return token;
  const tilde = token.indexOf('~');
  const flags = new Set(token.slice(1, tilde).toUpperCase());
  const rest = token.slice(tilde);
  if (flags.has('R') && flags.has('W')) return rest;
  return `%${flags.has('R') ? 'R' : 'W'}${rest}`;
}

function addPattern(list: string[], pattern: string, star: string, what: 'key' | 'channel', user: string): string[] {
  if (pattern === star) return [star];
  if (list.includes(star)) throw new AclRuleError(user, `ACL rule for user ${user}: ${PATTERN_AFTER_STAR(what)}`);
  return list.includes(pattern) ? list : [...list, pattern];
}

const addUnique = (list: string[], item: string): string[] => (list.includes(item) ? list : [...list, item]);

/** Password and flag keywords; true when the token was one of them. */
function applyUserToken(m: AclUserModel, token: string, lower: string): boolean {
  if (lower === 'on' || lower === 'off') m.enabled = lower === 'on';
  else if (lower === 'nopass') Object.assign(m, { nopass: true, passwords: [] });
  else if (lower === 'resetpass') Object.assign(m, { nopass: false, passwords: [] });
  else if (lower === 'reset') Object.assign(m, resetUser());
  else if (lower === 'clearselectors') m.selectors = 0;
  else if (token.startsWith('#'))
    Object.assign(m, { nopass: false, passwords: addUnique(m.passwords, token.slice(1)) });
  else if (token.startsWith('!')) m.passwords = m.passwords.filter((h) => h !== token.slice(1));
  else return false;
  return true;
}

/**
 * Apply resolved ACL SETUSER arguments (no user name; passwords as #/! hashes) to a model. Throws AclRuleError
 * where Redis would refuse the rule; plain `>`/`<` passwords must have been resolved to hashes first.
 */
export function applyAclArgs(user: string, args: readonly string[], start: AclUserModel = resetUser()): AclUserModel {
  let m: AclUserModel = { ...start };
  for (const token of args) {
    const lower = token.toLowerCase();
    if (applyUserToken(m, token, lower)) continue;
    if (lower === 'allkeys') m.keys = ['~*'];
    else if (lower === 'resetkeys') m.keys = [];
    else if (lower === 'allchannels') m.channels = ['&*'];
    else if (lower === 'resetchannels') m.channels = [];
    else if (token.startsWith('~') || token.startsWith('%'))
      m.keys = addPattern(m.keys, keyPattern(token), '~*', 'key', user);
    else if (token.startsWith('&')) m.channels = addPattern(m.channels, token, '&*', 'channel', user);
    else if (token.startsWith('(')) m.selectors += 1;
    else if (token.startsWith('>') || token.startsWith('<')) {
      throw new Error('applyAclArgs: plain passwords must be resolved to #/! hashes first');
    }
    m = { ...m };
  }
  return m;
}
