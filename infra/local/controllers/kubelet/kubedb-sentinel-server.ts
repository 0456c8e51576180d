/**
 * A RedisSentinel pod's start (redis-init-docker scripts/redis/sentinel/sentinel.sh), emulated: the sentinel's
 * config lives in the pod's persistent volume as /data/sentinel.conf because Sentinel rewrites its own config file
 * (known masters, replicas, other sentinels, epochs) and must find that state again after a restart.
 * - first start: write a fresh sentinel.conf (port, `sentinel announce-ip <podIP>`; KubeDB announces the pod's
 *   hostname, the sticky pod IP is our stable name);
 * - restart: keep the file, refresh announce-ip, and drop the `user default ...` lines a CONFIG REWRITE left
 *   (KubeDB's deleteExistingHashPass), so the current password from the auth secret applies.
 * Then `redis-server /data/sentinel.conf --sentinel` (valkey-server for a Valkey image, server-binary.ts) on <podIP>:26379 with `requirepass` from $REDISCLI_AUTH.
 * Not emulated: the `SENTINEL RESET *` the script sends after a restart (sentinels rediscover by themselves).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SENTINEL_PORT } from '../../../../shared/kubedb/topology.ts';
import type { StartContext } from './start-context.ts';
import { DATA_MOUNT, podNetworkArgs, type RedisStartPlan } from './kubedb-redis-start.ts';
import { listener } from './tls-start.ts';

const SENTINEL_CONF = 'sentinel.conf';

function sentinelConf(existing: string | undefined, podIP: string): string {
  const announce = `sentinel announce-ip ${podIP}`;
  if (existing === undefined) return `port ${SENTINEL_PORT}\n${announce}\n`;
  const kept = existing
    .split('\n')
    .filter((l) => !/^\s*user\s+default\s/i.test(l) && !/^\s*sentinel\s+announce-ip\s/i.test(l));
  return `${announce}\n${kept.join('\n')}`;
}

export async function planSentinelServerStart(ctx: StartContext): Promise<RedisStartPlan> {
  const dataDir = ctx.mounts.get(DATA_MOUNT) ?? join(ctx.podRoot, 'rootfs-data');
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, SENTINEL_CONF);
  let existing: string | undefined;
  try {
    existing = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await writeFile(file, sentinelConf(existing, ctx.podIP));
  const password = ctx.env['REDISCLI_AUTH'] || undefined;
  const auth = password ? ['--requirepass', password] : [];
  const plain = podNetworkArgs(ctx.podIP, SENTINEL_PORT);
  // spec.tls: TLS-only on 26379 (tls-start.ts), certificate paths mapped to the pod's /certs volume.
  const listen = await listener(ctx.containerArgs, ctx.mounts, ctx.podIP, SENTINEL_PORT, plain);
  return {
    configFile: file,
    args: [
      '--sentinel',
      ...listen.containerArgs,
      ...auth,
      ...listen.network,
      '--dir',
      dataDir,
      '--daemonize',
      'no',
      '--logfile',
      '',
    ],
    dataDir,
    password,
    port: SENTINEL_PORT,
    ...(listen.tls ? { tls: listen.tls } : {}),
    wantsValkey: /valkey/i.test(ctx.image),
  };
}
