/**
 * The ACL side of a RedisPort in memory: each pod (by host) holds its users as the ACL SETUSER arguments last given,
 * and answers ACL GETUSER / ACL LIST from them through the pure model (shared/acl/model.ts), the way redis-server does
 * at the points the steps rely on: SETUSER replaces what the arguments reset, DELUSER counts the users that existed,
 * GETUSER of an unknown user is nil. Hooks let a test make one pod refuse or fail. Typed against RedisPort: merge
 * `aclPods(...).port` into scriptedRedis with the other methods a step needs.
 * Not modelled: the commands string's simplification (only the server knows its command table; the fake lists the
 * rule's +/- tokens as given) — the real semantics are checked on redis-server (redis-adapter-acl.test.ts).
 */
import { applyAclArgs } from '../../shared/acl/model.ts';
import type { AclUserReply } from '../../shared/acl/verify.ts';
import type { RedisPort, RedisTarget } from '../../shared/steps/ports.ts';

type AclMethods = Pick<RedisPort, 'aclSetUser' | 'aclDelUser' | 'aclGetUser' | 'aclList'>;

export interface AclPodsHooks {
  /** Called before a SETUSER is applied: throw to refuse it (e.g. AclCommandRefusedError). */
  beforeSetUser?: (pod: string, args: readonly string[]) => void;
  /** Called before a GETUSER is answered: throw to fail it. */
  beforeGetUser?: (pod: string, user: string) => void;
  /** Every change, in order (`setuser <pod> <user>`, `deluser <pod> <users>`). */
  record?: (line: string) => void;
}

export interface AclPods {
  port: AclMethods;
  /** Users per pod as ACL SETUSER arguments (user name first). */
  users: Map<string, Map<string, string[]>>;
  /** Each pod's ACL LIST, sorted (what a restore must give back). */
  lists(): Map<string, string[]>;
}

/** `user <name> <args after the leading resets>`: the shape of an ACL LIST line. */
const listLine = (args: readonly string[]): string => {
  const rest = args.slice(1);
  while (rest[0] === 'reset') rest.shift();
  return `user ${args[0]} ${rest.join(' ')}`;
};

function getUserReply(args: readonly string[] | undefined): AclUserReply | undefined {
  if (args === undefined) return undefined;
  const m = applyAclArgs(args[0] ?? '', args.slice(1));
  return {
    flags: [m.enabled ? 'on' : 'off', ...(m.nopass ? ['nopass'] : [])],
    passwords: m.passwords,
    commands: args.filter((a) => /^[+-]/.test(a)).join(' '),
    keys: m.keys.join(' '),
    channels: m.channels.join(' '),
    selectors: [],
  };
}

/**
 * ACL state for `pods`; `podOf` maps a target's host to its pod. `initial` gives every pod the same users
 * (ACL SETUSER arguments, user name first).
 */
export function aclPods(
  pods: readonly string[],
  podOf: (host: string) => string,
  initial: readonly (readonly string[])[] = [],
  hooks: AclPodsHooks = {},
): AclPods {
  const users = new Map(pods.map((p) => [p, new Map(initial.map((args) => [args[0]!, [...args]]))]));
  const of = (t: RedisTarget): { pod: string; users: Map<string, string[]> } => {
    const pod = podOf(t.host);
    const mine = users.get(pod);
    if (mine === undefined) throw new Error(`aclPods: no pod for host ${t.host}`);
    return { pod, users: mine };
  };
  const port: AclMethods = {
    aclSetUser: async (t, args) => {
      const { pod, users: mine } = of(t);
      hooks.beforeSetUser?.(pod, args);
      hooks.record?.(`setuser ${pod} ${args[0]}`);
      mine.set(args[0]!, [...args]);
    },
    aclDelUser: async (t, names) => {
      const { pod, users: mine } = of(t);
      hooks.record?.(`deluser ${pod} ${names.join(',')}`);
      return names.filter((n) => mine.delete(n)).length;
    },
    aclGetUser: async (t, user) => {
      const { pod, users: mine } = of(t);
      hooks.beforeGetUser?.(pod, user);
      return getUserReply(mine.get(user));
    },
    aclList: async (t) => [...of(t).users.values()].map(listLine),
  };
  const lists = () => new Map([...users].map(([p, u]) => [p, [...u.values()].map(listLine).sort()]));
  return { port, users, lists };
}
