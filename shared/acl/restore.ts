/**
 * Undo for a pod: capture the affected users' `ACL LIST` lines before the change, restore them afterwards.
 * An ACL LIST line (`user <name> on sanitize-payload #<sha256> ~* resetchannels -@all +get`) describes the user
 * completely, and ACL SETUSER accepts every token of it — `#<sha256>` included — so
 * `ACL SETUSER <name> reset <tokens...>` rebuilds the user without knowing its password (checked on redis-server:
 * the LIST line afterwards is identical). A user that did not exist is deleted (ACL DELUSER).
 * The captured lines hold password hashes, not passwords; still, keep them out of events and messages.
 */
import { splitAclTokens } from './tokens.ts';

export interface AclUserSnapshot {
  user: string;
  /** The ACL LIST line, or null when the user did not exist. */
  line: string | null;
}

/** ACL LIST lines by user name. */
export function parseAclList(lines: readonly string[]): Map<string, string> {
  const byUser = new Map<string, string>();
  for (const line of lines) {
    const [keyword, user] = line.split(' ', 2);
    if (keyword === 'user' && user) byUser.set(user, line);
  }
  return byUser;
}

/** The previous state of `users` on one pod, from its ACL LIST. */
export function captureAclUsers(listLines: readonly string[], users: readonly string[]): AclUserSnapshot[] {
  const byUser = parseAclList(listLines);
  return [...new Set(users)].map((user) => ({ user, line: byUser.get(user) ?? null }));
}

export interface AclRestorePlan {
  /** ACL SETUSER argument lists, user name first. */
  set: { user: string; args: string[] }[];
  /** ACL DELUSER: users that did not exist before. */
  delete: string[];
}

export function restoreAclUsers(snapshot: readonly AclUserSnapshot[]): AclRestorePlan {
  const plan: AclRestorePlan = { set: [], delete: [] };
  for (const { user, line } of snapshot) {
    if (line === null) {
      plan.delete.push(user);
      continue;
    }
    const tokens = splitAclTokens(line).slice(2);
    plan.set.push({ user, args: [user, 'reset', ...tokens] });
  }
  return plan;
}

/** Users whose current ACL LIST line differs from the snapshot (empty: the restore is complete). */
export function unrestoredUsers(snapshot: readonly AclUserSnapshot[], listLines: readonly string[]): string[] {
  const byUser = parseAclList(listLines);
  return snapshot.filter(({ user, line }) => (byUser.get(user) ?? null) !== line).map((s) => s.user);
}
