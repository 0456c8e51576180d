/**
 * Redis's ACL SETUSER token grammar (redis.io "ACL" docs, "ACL rules"; src/acl.c ACLSetUser / ACLSetSelector), as a
 * pure checker. Keywords are case-insensitive like Redis's strcasecmp. What this cannot know offline — whether a
 * command or category name exists in the server's command table — is left to the first pod (the canary), whose own
 * refusal ("Unknown command or category name in ACL") ends the request before anything is persisted.
 */

/** User-level keywords: valid at the top level of a rule only. */
const USER_KEYWORDS = new Set([
  'on',
  'off',
  'nopass',
  'resetpass',
  'reset',
  'clearselectors',
  'sanitize-payload',
  'skip-sanitize-payload',
]);
/** Keywords a selector `( ... )` may hold as well as the root permissions. */
const SELECTOR_KEYWORDS = new Set([
  'allkeys',
  'resetkeys',
  'allchannels',
  'resetchannels',
  'allcommands',
  'nocommands',
]);

const HASH = /^[#!][0-9a-f]{64}$/;
/** `${key}`, `>${key}`, `<${key}`: a password taken from a secret key (Kubernetes secret keys: [-._a-zA-Z0-9]+). */
const PLACEHOLDER = /^([<>]?)\$\{([-._a-zA-Z0-9]+)\}$/;
const COMMAND = /^[+-](@[^\s|@()]+|[^\s|@()]+(\|[^\s|()]+)?)$/;
const KEY_PATTERN = /^(~|%[RW]+~)/i;

interface Placeholder {
  /** '>' adds the password (also for a bare `${key}`), '<' removes it. */
  op: '>' | '<';
  key: string;
}

export function placeholderOf(token: string): Placeholder | undefined {
  const m = PLACEHOLDER.exec(token);
  return m ? { op: m[1] === '<' ? '<' : '>', key: m[2]! } : undefined;
}

/** Tokens that may carry a secret: never echoed in a message. */
export function isSecretToken(token: string): boolean {
  return /^[<>#!]/.test(token) || token.includes('${');
}

/**
 * Whitespace-split, then re-join selectors: a token opening with `(` runs to the token closing with `)`, as
 * ACLMergeSelectorArguments does for ACL SETUSER and ACL files. Throws a plain message on an unclosed selector.
 */
export function splitAclTokens(text: string): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    if (word.startsWith('(') && !word.endsWith(')')) {
      const start = i;
      while (!word.endsWith(')')) {
        i++;
        if (i >= words.length) throw new Error(`unmatched parenthesis in the selector at token ${start + 1}`);
        word += ` ${words[i]}`;
      }
    }
    out.push(word);
  }
  return out;
}

function checkSelector(token: string): string | undefined {
  const inner = token.slice(1, -1).trim();
  if (inner.includes('(') || inner.includes(')')) return 'a selector cannot hold another selector';
  for (const part of inner.split(/\s+/).filter((w) => w !== '')) {
    const problem = checkToken(part, 'selector');
    if (problem) return `in the selector: ${problem}`;
  }
  return undefined;
}

/**
 * Why Redis would refuse this token, or undefined when it is well-formed. The reason never quotes a token that may
 * hold a secret (passwords, hashes, placeholders) nor an unrecognised one (it may be a password typed bare).
 */
export function checkToken(token: string, where: 'rule' | 'selector' = 'rule'): string | undefined {
  const lower = token.toLowerCase();
  if (SELECTOR_KEYWORDS.has(lower) || COMMAND.test(token) || KEY_PATTERN.test(token) || token.startsWith('&')) {
    return undefined;
  }
  if (USER_KEYWORDS.has(lower)) return where === 'rule' ? undefined : `${lower} is not allowed inside a selector`;
  if (token.startsWith('(')) {
    if (where === 'selector') return 'a selector cannot hold another selector';
    return token.endsWith(')') ? checkSelector(token) : 'unmatched parenthesis in a selector';
  }
  if (where === 'selector' && isSecretToken(token)) return 'a password rule is not allowed inside a selector';
  return checkPasswordToken(token);
}

function checkPasswordToken(token: string): string | undefined {
  if (placeholderOf(token)) return undefined;
  if (token.includes('${')) return 'a ${key} placeholder must stand alone (or as >${key} / <${key})';
  if (token.startsWith('>') || token.startsWith('<')) return undefined;
  if (token.startsWith('#') || token.startsWith('!')) {
    return HASH.test(token)
      ? undefined
      : 'a password hash (#/!) must be exactly 64 lowercase hexadecimal characters (SHA-256)';
  }
  return 'it is not an ACL SETUSER rule (on/off, >pass, #hash, nopass, ~pattern, &channel, +command, -@category, ...)';
}

/**
 * Redis quotes the failing modifier in ACL SETUSER errors ("Error in ACL SETUSER modifier '>p': Syntax error"): keep
 * it only when it is a well-formed non-secret rule (`+nosuchcmd`), otherwise it may be a password — redact it.
 */
export function redactAclReply(message: string): string {
  return message.replace(/'([^']*)'/g, (quoted, inner: string) =>
    !isSecretToken(inner) && checkToken(inner) === undefined ? quoted : "'<redacted>'",
  );
}
