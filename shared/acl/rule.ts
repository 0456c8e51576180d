/**
 * KubeDB ACL rules: `<user> [${key}] <acl tokens...>` (spec.configuration.acl.rules, the older spec.acl.rules, and
 * the ops request's auth.syncACL; kubedb docs guides/redis/configuration/acl.md and reconfigure/acl.md). A `${key}`
 * token stands for the password in that key of the referenced secret ("the operator substitutes these values from
 * the referenced Secret"); a rule may also have no password (`nopass`, or a user that cannot log in).
 *
 * Resolution turns every password into its SHA-256 (`#<hex>`, removal `!<hex>`), which ACL SETUSER and ACL files
 * accept as the same password: the clear text then never leaves the user's secret — not in the ACL SETUSER
 * arguments, the operator's ACL secret, an error or a log line. The arguments are
 * `<user> reset on #<sha256> <tokens...>`: `reset` makes a changed rule replace the old one instead of adding to it
 * and reproduces what KubeDB's guide shows (`user userName1 on sanitize-payload #<sha256> ~* resetchannels -@all
 * +@string +@set -sadd` for `userName1 ${k1} allkeys +@string +@set -SADD`, checked on redis-server); `on` because
 * KubeDB's users are enabled without saying so (a rule's own `off` still wins, it comes later).
 */
import { createHash } from 'node:crypto';
import { AclRuleError, AclSecretKeyMissingError } from './errors.ts';
import { applyAclArgs, type AclUserModel } from './model.ts';
import { checkToken, isSecretToken, placeholderOf, splitAclTokens } from './tokens.ts';

export interface AclRule {
  user: string;
  /** The rule's tokens after the user name, as written (placeholders unresolved). */
  tokens: string[];
  /** The rule as written, for spec.configuration.acl.rules. */
  text: string;
}

/** A secret the placeholders are looked up in, by precedence. `data` holds decoded values. */
export interface AclSecretSource {
  /** `<namespace>/<name>`, for messages. */
  name: string;
  data: Record<string, string>;
}

export interface ResolvedAclRule {
  user: string;
  /** ACL SETUSER arguments, user name first: `[user, 'reset', 'on', ...resolved tokens]`. No clear-text password. */
  args: string[];
  /** What ACL GETUSER must show for these arguments (verify.ts). */
  expected: AclUserModel;
}

const USER_NAME = /^[^\s(){}$<>#!~%&+-][^\s]*$/;

export const sha256Hex = (password: string): string => createHash('sha256').update(password, 'utf8').digest('hex');

function where(user: string | undefined, index: number | undefined): string {
  const rule = user === undefined ? 'an ACL rule' : `the ACL rule for user ${user}`;
  return index === undefined ? rule : `word ${index + 1} of ${rule}`;
}

export function checkUserName(name: string, context: string): void {
  if (!USER_NAME.test(name)) {
    throw new AclRuleError(undefined, `${context}: a user name must be one word, not starting with an ACL rule symbol`);
  }
}

/** Parse and check one KubeDB rule. Throws AclRuleError naming the user and token position, never a secret. */
export function parseAclRule(text: string): AclRule {
  let parts: string[];
  try {
    parts = splitAclTokens(text);
  } catch (err) {
    throw new AclRuleError(undefined, `${where(undefined, undefined)}: ${(err as Error).message}`);
  }
  const [user, ...tokens] = parts;
  if (user === undefined) throw new AclRuleError(undefined, 'an ACL rule is empty (it must start with a user name)');
  checkUserName(user, 'an ACL rule');
  tokens.forEach((token, i) => {
    const problem = checkToken(token);
    if (!problem) return;
    const shown = isSecretToken(token) || problem.startsWith('it is not') ? '' : ` (${token})`;
    throw new AclRuleError(user, `${where(user, i + 1)}${shown} is refused: ${problem}`);
  });
  return { user, tokens, text: parts.join(' ') };
}

function lookup(rule: AclRule, key: string, sources: readonly AclSecretSource[]): string {
  for (const source of sources) {
    const value = source.data[key];
    if (value !== undefined) return value;
  }
  throw new AclSecretKeyMissingError(
    rule.user,
    key,
    sources.map((s) => s.name),
  );
}

function resolveToken(rule: AclRule, token: string, sources: readonly AclSecretSource[]): string {
  const placeholder = placeholderOf(token);
  if (placeholder) return `${placeholder.op === '<' ? '!' : '#'}${sha256Hex(lookup(rule, placeholder.key, sources))}`;
  if (token.startsWith('>')) return `#${sha256Hex(token.slice(1))}`;
  if (token.startsWith('<')) return `!${sha256Hex(token.slice(1))}`;
  return token;
}

/**
 * Resolve a rule's placeholders from the secrets (first holder of the key wins) into ACL SETUSER arguments, and
 * check them the way Redis would (patterns after `allkeys`/`allchannels`). Throws AclSecretKeyMissingError naming
 * the key and the user, or AclRuleError.
 */
export function resolveAclRule(rule: AclRule, sources: readonly AclSecretSource[]): ResolvedAclRule {
  const resolved = rule.tokens.map((t) => resolveToken(rule, t, sources));
  const setArgs = ['reset', 'on', ...resolved];
  return { user: rule.user, args: [rule.user, ...setArgs], expected: applyAclArgs(rule.user, setArgs) };
}

/** The placeholder keys a rule needs, in order (for messages and for checking a secret up front). */
export const placeholderKeys = (rule: AclRule): string[] =>
  rule.tokens.map((t) => placeholderOf(t)?.key).filter((k): k is string => k !== undefined);
