/**
 * The KubeDB-specific part: what the `redis` container's start script does (redis-init-docker
 * scripts/redis/standalone/on-start.sh: `cp /usr/local/etc/redis/default.conf /data/default.conf;
 * exec redis-server /data/default.conf $args`), with the pod's network emulated:
 * - the config mount is /usr/local/etc/redis/ (Valkey: /usr/local/etc/valkey/), the data mount is /data;
 * - $REDIS_PASSWORD (env from the auth secret) becomes --requirepass/--masterauth, as the script's $args do;
 * - --bind <podIP> --port 6379 --dir <host data dir> --daemonize no --logfile "" come last, so the pod's address
 *   and the foreground/stdout logging that a container runtime relies on always win;
 * - container paths in path-valued directives of the copied file (dir, include, aclfile, cluster-config-file) are
 *   rewritten to the host directories behind the mounts, because redis-server chdir()s to `dir` while it reads
 *   the file (before the command-line --dir applies). Line numbers are preserved, so errors point at the same line.
 * Valkey versions run redis-server too: no valkey-server binary exists here.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainerConfigError } from './container-env.ts';
import { hostPathOf, type MountTable } from './volumes.ts';

export const REDIS_CONFIG_MOUNT = '/usr/local/etc/redis';
export const VALKEY_CONFIG_MOUNT = '/usr/local/etc/valkey';
export const DATA_MOUNT = '/data';
export const DEFAULT_CONF = 'default.conf';
export const REDIS_PORT = 6379;

const PATH_DIRECTIVES = new Set(['dir', 'include', 'aclfile', 'cluster-config-file']);

export interface RedisStartPlan {
  configFile: string;
  args: string[];
  dataDir: string;
  password: string | undefined;
  /** Set when the image asks for Valkey; we still run redis-server. */
  substitutedValkey: boolean;
}

export function rewritePaths(conf: string, table: MountTable): string {
  return conf
    .split('\n')
    .map((line) => {
      const m = /^(\s*)(\S+)(\s+)(\S+)(.*)$/.exec(line);
      if (!m || !PATH_DIRECTIVES.has(m[2]!.toLowerCase())) return line;
      const arg = m[4]!.replace(/^"(.*)"$/, '$1');
      const host = arg.startsWith('/') ? hostPathOf(table, arg) : undefined;
      return host ? `${m[1]}${m[2]}${m[3]}${host}${m[5]}` : line;
    })
    .join('\n');
}

export async function planRedisStart(opts: {
  image: string;
  mounts: MountTable;
  env: Record<string, string>;
  containerArgs: string[];
  podIP: string;
  podRoot: string;
}): Promise<RedisStartPlan> {
  const valkeyMount = opts.mounts.get(VALKEY_CONFIG_MOUNT);
  const configDir = valkeyMount ?? opts.mounts.get(REDIS_CONFIG_MOUNT);
  if (!configDir) {
    throw new ContainerConfigError(`no volume mounted at ${REDIS_CONFIG_MOUNT}/ or ${VALKEY_CONFIG_MOUNT}/ (KubeDB's config mount)`);
  }
  const dataDir = opts.mounts.get(DATA_MOUNT) ?? join(opts.podRoot, 'rootfs-data');
  const source = join(configDir, DEFAULT_CONF);
  const target = join(dataDir, DEFAULT_CONF);
  let conf: string;
  try {
    conf = await readFile(source, 'utf8');
  } catch (err) {
    throw new ContainerConfigError(`cp: cannot stat '${valkeyMount ? VALKEY_CONFIG_MOUNT : REDIS_CONFIG_MOUNT}/${DEFAULT_CONF}': ${(err as Error).message}`);
  }
  await mkdir(dataDir, { recursive: true });
  await writeFile(target, rewritePaths(conf, opts.mounts));
  const password = opts.env['REDIS_PASSWORD'] || undefined;
  const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
  const network = ['--bind', opts.podIP, '--port', String(REDIS_PORT), '--dir', dataDir, '--daemonize', 'no', '--logfile', ''];
  return {
    configFile: target,
    args: [...opts.containerArgs, ...auth, ...network],
    dataDir,
    password,
    substitutedValkey: Boolean(valkeyMount) || /valkey/i.test(opts.image),
  };
}
