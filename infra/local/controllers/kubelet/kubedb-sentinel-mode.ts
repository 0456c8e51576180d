/**
 * A Sentinel-mode Redis pod's start (redis-init-docker scripts/redis/sentinel/on-start.sh), emulated:
 * 1. wait until every sentinel of the RedisSentinel ($SENTINEL_NAME-0..$SENTINEL_REPLICAS-1) answers PING;
 * 2. ask them `SENTINEL get-master-addr-by-name $REDIS_CLUSTER_REGISTERED_NAME`;
 * 3. nobody knows the master yet (first initialisation): pod `<db>-0` starts as primary and, once it answers PING,
 *    registers itself with every sentinel (`SENTINEL MONITOR <name> <ip> 6379 <quorum>`, then `SENTINEL SET`
 *    auth-pass, failover-timeout 5000, down-after-milliseconds 5000); every other pod waits until the sentinels
 *    know a master and starts with `replicaof <master> 6379`;
 * 4. the sentinels name another pod: start as its replica (after it answers PING);
 * 5. the sentinels name this pod: start as primary; once up, a sentinel that still holds the master in s_down/o_down
 *    gets `SENTINEL REMOVE` + a fresh `MONITOR` (as the script does).
 * Every start appends `replica-announce-ip <podIP>` (the script announces `$HOSTNAME.$DATABASE_GOVERNING_SERVICE`).
 * The script's fixed `sleep 5` before anything else ("as default down after ms is 5s") is emulated only when the
 * kubelet is asked to (StartScriptOptions.sentinelStartSleepMs): it makes every sentinel-mode pod restart 5 s longer.
 * Not emulated: the DNS wait, and the final sentinel RESETs for replicas a sentinel
 * still lists as down (with sticky IPs the sentinels see the same address come back by themselves).
 * $SENTINEL_REPLICAS stands in for the count KubeDB's redis-node-finder reads from the RedisSentinel object.
 */
import type { ConnectionOptions } from 'node:tls';
import { SENTINEL_PORT } from '../../../../shared/kubedb/topology.ts';
import { sentinelQuorum } from '../names.ts';
import { abortableSleep, redisCall, redisCallIfUp, type RedisTarget } from '../runtime/redis-client.ts';
import { baseStart, type StartContext } from './start-context.ts';
import { planRedisStart, REDIS_PORT, type RedisStartPlan } from './kubedb-redis-start.ts';
import { ContainerConfigError } from './container-env.ts';
import { pingRedis } from './redis-ping.ts';
import { probeTlsOptions, rewriteTlsArgPaths, usesTls } from './tls-start.ts';

/** KubeDB's values (on-start.sh `down=5000`, `timeout=5000`). */
const DOWN_AFTER_MS = 5000;
const FAILOVER_TIMEOUT_MS = 5000;
const POLL_MS = 200;

interface SentinelEnv {
  /** spec.tls: sentinels and the primary are reached over TLS with the pod's client certificate (/certs). */
  tls: ConnectionOptions | undefined;
  sentinelName: string;
  sentinelNamespace: string;
  count: number;
  sentinelPassword: string | undefined;
  masterName: string;
  dbName: string;
  hostname: string;
}

async function sentinelEnv(ctx: StartContext): Promise<SentinelEnv> {
  const need = (k: string): string => {
    const v = ctx.env[k];
    if (!v) throw new ContainerConfigError(`sentinel mode: env ${k} is not set`);
    return v;
  };
  // $SENTINEL_GOVERNING_SERVICE is `<sentinel>-pods.<namespace>`: the namespace is what the DNS lookup needs.
  const governing = need('SENTINEL_GOVERNING_SERVICE');
  const tls = usesTls(ctx.containerArgs)
    ? await probeTlsOptions(rewriteTlsArgPaths(ctx.containerArgs, ctx.mounts), ctx.mounts)
    : undefined;
  return {
    tls,
    sentinelName: need('SENTINEL_NAME'),
    sentinelNamespace: governing.split('.')[1] ?? ctx.pod.metadata?.namespace ?? 'default',
    count: Number(need('SENTINEL_REPLICAS')),
    sentinelPassword: ctx.env['SENTINEL_PASSWORD'] || undefined,
    masterName: need('REDIS_CLUSTER_REGISTERED_NAME'),
    dbName: need('DATABASE_NAME'),
    hostname: ctx.pod.spec?.hostname ?? ctx.pod.metadata?.name ?? '',
  };
}

async function waitForSentinels(ctx: StartContext, s: SentinelEnv): Promise<RedisTarget[]> {
  for (;;) {
    const targets: RedisTarget[] = [];
    for (let i = 0; i < s.count; i++) {
      const ip = ctx.directory.podIP(s.sentinelNamespace, `${s.sentinelName}-${i}`);
      if (ip && (await pingRedis(ip, SENTINEL_PORT, s.sentinelPassword, undefined, s.tls)))
        targets.push({ host: ip, port: SENTINEL_PORT, password: s.sentinelPassword, tls: s.tls });
    }
    if (targets.length === s.count) return targets;
    await abortableSleep(POLL_MS, ctx.signal);
  }
}

/** The master the sentinels name (the most common answer), if any sentinel knows one. */
async function askMaster(
  sentinels: RedisTarget[],
  masterName: string,
): Promise<{ host: string; port: number } | undefined> {
  const votes = new Map<string, number>();
  for (const s of sentinels) {
    const reply = await redisCallIfUp(s, 'SENTINEL', 'get-master-addr-by-name', masterName);
    if (Array.isArray(reply) && reply.length === 2) {
      const addr = `${String(reply[0])}:${String(reply[1])}`;
      votes.set(addr, (votes.get(addr) ?? 0) + 1);
    }
  }
  const best = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!best) return undefined;
  const i = best.lastIndexOf(':');
  return { host: best.slice(0, i), port: Number(best.slice(i + 1)) };
}

async function waitForPing(
  ctx: StartContext,
  target: { host: string; port: number; password: string | undefined; tls: ConnectionOptions | undefined },
): Promise<void> {
  while (!(await pingRedis(target.host, target.port, target.password, undefined, target.tls)))
    await abortableSleep(POLL_MS, ctx.signal);
}

async function monitor(
  sentinel: RedisTarget,
  s: SentinelEnv,
  masterIp: string,
  authPass: string | undefined,
): Promise<void> {
  try {
    await redisCall(sentinel, 'SENTINEL', 'MONITOR', s.masterName, masterIp, REDIS_PORT, sentinelQuorum(s.count));
  } catch (err) {
    // Another start (or an earlier attempt of this one) registered it already: the settings below still apply.
    if (!(err instanceof Error && /Duplicate/i.test(err.message))) throw err;
  }
  const settings: (string | number)[] = [
    'failover-timeout',
    FAILOVER_TIMEOUT_MS,
    'down-after-milliseconds',
    DOWN_AFTER_MS,
  ];
  if (authPass) settings.unshift('auth-pass', authPass);
  await redisCall(sentinel, 'SENTINEL', 'SET', s.masterName, ...settings);
}

/** Retry one sentinel until it accepts (the script loops the same way); stops when the pod stops. */
async function untilDone(ctx: StartContext, what: string, fn: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      ctx.log.warn(`sentinel mode: ${what} failed; retrying`, { pod: ctx.pod.metadata?.name, err });
      await abortableSleep(500, ctx.signal);
    }
  }
}

function registerEverywhere(
  ctx: StartContext,
  s: SentinelEnv,
  sentinels: RedisTarget[],
  onlyIfDown: boolean,
): (signal: AbortSignal) => Promise<void> {
  const authPass = ctx.env['REDIS_PASSWORD'] || undefined;
  return async () => {
    for (const sentinel of sentinels) {
      await untilDone(ctx, `register ${s.masterName} with ${sentinel.host}`, async () => {
        if (onlyIfDown) {
          const flags = await masterFlags(sentinel, s.masterName);
          if (!/s_down|o_down|disconnected/.test(flags)) return;
          await redisCall(sentinel, 'SENTINEL', 'REMOVE', s.masterName).catch((err: unknown) => {
            if (!(err instanceof Error && /No such master/i.test(err.message))) throw err;
          });
        }
        await monitor(sentinel, s, ctx.podIP, authPass);
      });
    }
  };
}

/** The master's flags as one sentinel sees them; a sentinel that does not monitor it counts as "down" (register it). */
async function masterFlags(sentinel: RedisTarget, masterName: string): Promise<string> {
  let reply: unknown[];
  try {
    reply = (await redisCall(sentinel, 'SENTINEL', 'MASTER', masterName)) as unknown[];
  } catch (err) {
    if (err instanceof Error && /No such master/i.test(err.message)) return 's_down';
    throw err;
  }
  const i = reply.indexOf('flags');
  return i >= 0 ? String(reply[i + 1]) : '';
}

export async function planSentinelModeRedisStart(ctx: StartContext): Promise<RedisStartPlan> {
  const s = await sentinelEnv(ctx);
  await abortableSleep(ctx.scripts.sentinelStartSleepMs ?? 0, ctx.signal);
  const sentinels = await waitForSentinels(ctx, s);
  const password = ctx.env['REDIS_PASSWORD'] || undefined;
  const announce = [`replica-announce-ip ${ctx.podIP}`];
  let master = await askMaster(sentinels, s.masterName);
  if (!master && s.hostname === `${s.dbName}-0`) {
    ctx.log.info('sentinel mode: first initialisation, starting as primary', { pod: s.hostname });
    const plan = await planRedisStart({ ...baseStart(ctx), appendConf: announce });
    return { ...plan, afterReady: registerEverywhere(ctx, s, sentinels, false) };
  }
  while (!master) {
    await abortableSleep(POLL_MS * 2, ctx.signal);
    master = await askMaster(sentinels, s.masterName);
  }
  if (master.host === ctx.podIP) {
    const plan = await planRedisStart({ ...baseStart(ctx), appendConf: announce });
    return { ...plan, afterReady: registerEverywhere(ctx, s, sentinels, true) };
  }
  await waitForPing(ctx, { host: master.host, port: master.port, password, tls: s.tls });
  return planRedisStart({ ...baseStart(ctx), appendConf: [...announce, `replicaof ${master.host} ${master.port}`] });
}
