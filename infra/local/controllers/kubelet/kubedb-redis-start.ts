/**
 * The KubeDB-specific part: what the `redis` container's start script does (redis-init-docker
 * scripts/redis/standalone/on-start.sh: `cp /usr/local/etc/redis/default.conf /data/default.conf;
 * exec redis-server /data/default.conf $args`), with the pod's network emulated:
 * - the config mount is /usr/local/etc/redis/ (Valkey: /usr/local/etc/valkey/), the data mount is /data;
 * - $REDIS_PASSWORD (env from the auth secret) becomes --requirepass/--masterauth, as the script's $args do;
 * - --bind <podIP> --port 6379 --bind-source-addr <podIP> --dir <host data dir> --daemonize no --logfile "" come
 *   last, so the pod's address and the foreground/stdout logging that a container runtime relies on always win;
 * - Cluster and Sentinel mode add their scripts' extras through `modeArgs` / `appendConf` (kubedb-start.ts);
 * - container paths in path-valued directives of the copied file (dir, include, aclfile, cluster-config-file) are
 *   rewritten to the host directories behind the mounts, because redis-server chdir()s to `dir` while it reads
 *   the file (before the command-line --dir applies). Line numbers are preserved, so errors point at the same line.
 * Valkey images run valkey-server when it is installed, else redis-server stands in (server-binary.ts).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { aclFileArgs } from './acl-file.ts';
import { ContainerConfigError } from './container-env.ts';
import type { StartContext } from './start-context.ts';
import { listener } from './tls-start.ts';
import { hostPathOf, type MountTable } from './volumes.ts';

const REDIS_CONFIG_MOUNT = '/usr/local/etc/redis';
const VALKEY_CONFIG_MOUNT = '/usr/local/etc/valkey';
export const DATA_MOUNT = '/data';
const DEFAULT_CONF = 'default.conf';
export const REDIS_PORT = 6379;

const PATH_DIRECTIVES = new Set(['dir', 'include', 'aclfile', 'cluster-config-file']);

export interface RedisStartPlan {
  configFile: string;
  args: string[];
  dataDir: string;
  password: string | undefined;
  /** Where the readiness PING goes (6379; sentinels 26379). */
  port: number;
  /** A TLS-only server (spec.tls): how the readiness probe connects (tls-start.ts). */
  tls?: ConnectionOptions;
  /** The image asks for Valkey (a valkey image or KubeDB's valkey config mount): server-binary.ts picks the binary. */
  wantsValkey: boolean;
  /** What the start script still does once the server answers PING (e.g. register the master with the sentinels). */
  afterReady?: (signal: AbortSignal) => Promise<void>;
}

/**
 * The pod's network namespace, emulated: listen on the pod IP only, and originate connections from it
 * (`bind-source-addr`, Redis >= 7.0). Without the latter the kernel picks 127.0.0.1 as the source address for
 * loopback destinations, so a master would list its replicas as 127.0.0.1 and sentinels would discover each other
 * (and the replicas) at the host's address instead of the pod's.
 */
export function podNetworkArgs(podIP: string, port: number): string[] {
  return ['--bind', podIP, '--port', String(port), '--bind-source-addr', podIP];
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

export async function planRedisStart(
  opts: Pick<StartContext, 'image' | 'mounts' | 'env' | 'containerArgs' | 'podIP' | 'podRoot'> & {
    /** Lines the mode's start script appends to /data/default.conf (sentinel mode: replica-announce-ip, replicaof). */
    appendConf?: string[];
    /** Arguments the mode's start script adds before $args (cluster mode: --cluster-announce-ip). */
    modeArgs?: string[];
  },
): Promise<RedisStartPlan> {
  const valkeyMount = opts.mounts.get(VALKEY_CONFIG_MOUNT);
  const configDir = valkeyMount ?? opts.mounts.get(REDIS_CONFIG_MOUNT);
  if (!configDir) {
    throw new ContainerConfigError(
      `no volume mounted at ${REDIS_CONFIG_MOUNT}/ or ${VALKEY_CONFIG_MOUNT}/ (KubeDB's config mount)`,
    );
  }
  const dataDir = opts.mounts.get(DATA_MOUNT) ?? join(opts.podRoot, 'rootfs-data');
  const source = join(configDir, DEFAULT_CONF);
  const target = join(dataDir, DEFAULT_CONF);
  let conf: string;
  try {
    conf = await readFile(source, 'utf8');
  } catch (err) {
    throw new ContainerConfigError(
      `cp: cannot stat '${valkeyMount ? VALKEY_CONFIG_MOUNT : REDIS_CONFIG_MOUNT}/${DEFAULT_CONF}': ${(err as Error).message}`,
    );
  }
  await mkdir(dataDir, { recursive: true });
  const appended = opts.appendConf?.length
    ? `${conf.endsWith('\n') || conf === '' ? '' : '\n'}${opts.appendConf.join('\n')}\n`
    : '';
  await writeFile(target, rewritePaths(conf, opts.mounts) + appended);
  const password = opts.env['REDIS_PASSWORD'] || undefined;
  const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
  const plain = podNetworkArgs(opts.podIP, REDIS_PORT);
  const listen = await listener(opts.containerArgs, opts.mounts, opts.podIP, REDIS_PORT, plain);
  const network = [...listen.network, '--dir', dataDir, '--daemonize', 'no', '--logfile', ''];
  const acl = await aclFileArgs(opts.mounts, dataDir, password);
  return {
    configFile: target,
    args: [...(opts.modeArgs ?? []), ...listen.containerArgs, ...auth, ...acl, ...network],
    dataDir,
    password,
    port: REDIS_PORT,
    ...(listen.tls ? { tls: listen.tls } : {}),
    wantsValkey: Boolean(valkeyMount) || /valkey/i.test(opts.image),
  };
}
