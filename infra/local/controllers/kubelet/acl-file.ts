/**
 * ACL users at pod start. A pod of a Redis with ACL rules mounts the operator's ACL secret (`<redis>-acl-<uid[-6:]>`,
 * key `user_acl.conf`, shared/acl) at ACL_MOUNT; its start script writes `/data/users.acl` = the operator's own user
 * (from $REDIS_PASSWORD, the auth secret) + the secret's user lines, and runs redis-server with `--aclfile` on it.
 * Why an aclfile rather than `user` lines in the config: it holds every user, so the file must carry `default` too —
 * which is what KubeDB's guide shows (`user default on sanitize-payload #<sha256> ~* &* +@all`: the sanitize-payload
 * flag appears only when the default user is (re)defined by an ACL rule with `reset`, not with requirepass alone;
 * checked on redis-server 7.0.15). Without a default line an aclfile would leave `default` as `nopass`.
 * `--requirepass` is still passed (masterauth, and CONFIG GET requirepass stay as before); Redis applies it before it
 * loads the aclfile, whose default line sets the same password. Mind docs/design: with an aclfile, CONFIG SET
 * requirepass no longer changes auth — ACL SETUSER does. The file is rebuilt from the secret at every start, so a
 * restarted pod always has the secret's users (what the ops-manager persisted), whatever ACL SETUSER did before.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACL_SECRET_KEY } from '../../../../shared/acl/acl-file.ts';
import { sha256Hex } from '../../../../shared/acl/rule.ts';
import { ContainerConfigError } from './container-env.ts';
import type { MountTable } from './volumes.ts';

/** Where the pod template mounts the ACL secret (our choice: KubeDB's mount path is not public). */
export const ACL_MOUNT = '/usr/local/etc/acl';
export const ACL_VOLUME = 'acl-users';
const ACL_FILE = 'users.acl';

/** The operator's own user as the pods define it: every permission, the auth secret's password (or nopass). */
export function operatorUserLine(password: string | undefined): string {
  return `user default reset on ${password ? `#${sha256Hex(password)}` : 'nopass'} ~* &* +@all`;
}

/** The aclfile a pod loads: the operator's user first, then the secret's users (a `default` line there is dropped). */
export function composeAclFile(userAclConf: string, password: string | undefined): string {
  const users = userAclConf
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^user\s+default(\s|$)/.test(l));
  return [operatorUserLine(password), ...users].map((l) => `${l}\n`).join('');
}

/** `--aclfile <data>/users.acl` when the pod mounts the ACL secret; nothing otherwise. */
export async function aclFileArgs(
  mounts: MountTable,
  dataDir: string,
  password: string | undefined,
): Promise<string[]> {
  const dir = mounts.get(ACL_MOUNT);
  if (!dir) return [];
  let conf: string;
  try {
    conf = await readFile(join(dir, ACL_SECRET_KEY), 'utf8');
  } catch (err) {
    throw new ContainerConfigError(`cannot read ${ACL_MOUNT}/${ACL_SECRET_KEY}: ${(err as Error).message}`);
  }
  const path = join(dataDir, ACL_FILE);
  await writeFile(path, composeAclFile(conf, password), { mode: 0o600 });
  return ['--aclfile', path];
}
