/**
 * Reading `ACL GETUSER` (redis.io ACL GETUSER: a map of flags, passwords (SHA-256 hex), commands, keys, channels,
 * selectors; nil for an unknown user) and checking it, purely:
 * - `verifyAclUser`: against what the rule must have produced (model.ts): enabled, nopass, exactly the expected
 *   password hashes, the key and channel patterns, the number of selectors;
 * - `diffAclUsers`: one pod against another (the canary), field by field — this also covers the commands string,
 *   which only the server can compute (it drops rules that change nothing).
 * Mismatch texts never show a password hash: only how many there are.
 */
import type { AclUserModel } from './model.ts';
import type { AclChangePlan } from './plan.ts';

export interface AclUserReply {
  flags: string[];
  passwords: string[];
  commands: string;
  keys: string;
  channels: string;
  selectors: Record<string, string>[];
}

function pairs(raw: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) map.set(String(raw[i]), raw[i + 1]);
  } else if (raw !== null && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) map.set(k, v);
  }
  return map;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(text) : []);

/** Parse an ACL GETUSER reply (RESP2 flat list or RESP3 map); undefined for nil (no such user). */
export function parseAclGetUser(raw: unknown): AclUserReply | undefined {
  if (raw === null || raw === undefined) return undefined;
  const m = pairs(raw);
  const selectors = Array.isArray(m.get('selectors'))
    ? (m.get('selectors') as unknown[]).map((s) =>
        Object.fromEntries([...pairs(s)].map(([k, v]) => [k, Array.isArray(v) ? strings(v).join(' ') : text(v)])),
      )
    : [];
  return {
    flags: strings(m.get('flags')),
    passwords: strings(m.get('passwords')),
    commands: text(m.get('commands')),
    keys: text(m.get('keys')),
    channels: text(m.get('channels')),
    selectors,
  };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

/** What differs between the rule's expected state and a pod's ACL GETUSER; empty when it matches. */
export function verifyAclUser(user: string, expected: AclUserModel, actual: AclUserReply | undefined): string[] {
  if (!actual) return [`user ${user} does not exist`];
  const problems: string[] = [];
  const enabled = actual.flags.includes('on');
  if (enabled !== expected.enabled) problems.push(`user ${user} is ${enabled ? 'on' : 'off'}, the rule says otherwise`);
  const nopass = actual.flags.includes('nopass');
  if (nopass !== expected.nopass) problems.push(`user ${user} ${nopass ? 'has' : 'lacks'} nopass`);
  if (!sameSet(actual.passwords, expected.passwords)) {
    problems.push(
      `user ${user} has ${actual.passwords.length} password(s), not the ${expected.passwords.length} of the rule`,
    );
  }
  const keys = actual.keys.split(' ').filter((k) => k !== '');
  if (!sameSet(keys, expected.keys)) {
    problems.push(`user ${user} has keys "${actual.keys}", the rule gives "${expected.keys.join(' ')}"`);
  }
  const channels = actual.channels.split(' ').filter((c) => c !== '');
  if (!sameSet(channels, expected.channels)) {
    problems.push(`user ${user} has channels "${actual.channels}", the rule gives "${expected.channels.join(' ')}"`);
  }
  if (actual.selectors.length !== expected.selectors) {
    problems.push(`user ${user} has ${actual.selectors.length} selector(s), the rule gives ${expected.selectors}`);
  }
  return problems;
}

/** Field-by-field differences between two pods' ACL GETUSER of one user (e.g. a pod against the canary). */
export function diffAclUsers(user: string, a: AclUserReply | undefined, b: AclUserReply | undefined): string[] {
  if (!a || !b) return a === b ? [] : [`user ${user} exists on one pod only`];
  const problems: string[] = [];
  if (!sameSet(a.flags, b.flags)) problems.push(`user ${user}: flags "${a.flags.join(' ')}" vs "${b.flags.join(' ')}"`);
  if (!sameSet(a.passwords, b.passwords)) problems.push(`user ${user}: the passwords differ`);
  for (const field of ['commands', 'keys', 'channels'] as const) {
    if (a[field] !== b[field]) problems.push(`user ${user}: ${field} "${a[field]}" vs "${b[field]}"`);
  }
  if (JSON.stringify(a.selectors) !== JSON.stringify(b.selectors)) problems.push(`user ${user}: the selectors differ`);
  return problems;
}

/**
 * A pod after an ACL change: every synced user as its rule says, every deleted user gone. `users` holds the pod's
 * ACL GETUSER per affected user (plan.affectedUsers; undefined = no such user). Empty when the pod is done.
 */
export function verifyAclPlan(
  plan: Pick<AclChangePlan, 'set' | 'delete'>,
  users: ReadonlyMap<string, AclUserReply | undefined>,
): string[] {
  const problems = plan.set.flatMap((s) => verifyAclUser(s.user, s.expected, users.get(s.user)));
  for (const user of plan.delete) if (users.get(user)) problems.push(`user ${user} still exists`);
  return problems;
}
