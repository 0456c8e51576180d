/**
 * Helpers of the ACL e2e suite (acl.test.ts): secrets decoded, the example's pod IPs, one command as an ACL user, the
 * function logs, condition text for messages and the password search.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { Redis as IoRedis } from 'ioredis';
import type { RedisOpsRequest } from '../../shared/kubedb/types.ts';

/** KubeDB's ACL example: its namespace and Redis. */
export const NS = 'demo';
export const DB = 'redis-instance';

const decode = (v: string | undefined): string => Buffer.from(v ?? '', 'base64').toString('utf8');

export async function secretData(kc: KubeConfig, name: string): Promise<Record<string, string> | undefined> {
  try {
    const s = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: NS, name });
    return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, decode(v)]));
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

export async function podIps(kc: KubeConfig): Promise<Map<string, string>> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/instance=${DB}` });
  return new Map(pods.items.map((p) => [p.metadata?.name ?? '', p.status?.podIP ?? '']));
}

/** The outcome of one command as `username`: its reply, or the error's first word (NOPERM, MOVED, WRONGPASS). */
export async function asUser(ip: string, username: string, password: string, command: string[]): Promise<string> {
  const client = new IoRedis({
    host: ip,
    port: 6379,
    username,
    password,
    lazyConnect: true,
    // No INFO ready check nor CLIENT SETINFO: a user with only +get may run neither.
    enableReadyCheck: false,
    disableClientInfo: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // A refused AUTH reaches the 'error' listener; connect() then only says the connection closed.
  let refused: Error | undefined;
  client.on('error', (err: Error) => (refused ??= err));
  try {
    await client.connect();
    const reply = await client.call(command[0]!, ...command.slice(1));
    return reply === null ? '(nil)' : typeof reply === 'string' ? reply : JSON.stringify(reply);
  } catch (err) {
    return ((refused ?? (err as Error)).message.split(' ')[0] ?? 'error').replace(/:$/, '');
  } finally {
    client.disconnect();
  }
}

/** A GET the ACL allowed: the value, nil, or (Cluster mode: ACLs are checked before the slot) MOVED. */
export const mayRead = (reply: string): boolean => reply === '(nil)' || reply === 'MOVED' || !/^[A-Z]+$/.test(reply);

export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.log')).map((e) => join(e.parentPath, e.name));
}

export const conditionText = (ops: RedisOpsRequest) =>
  (ops.status?.conditions ?? []).map((c) => `${c.type} ${c.status} ${c.reason ?? ''} ${c.message ?? ''}`).join('\n');
