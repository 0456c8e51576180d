/**
 * TLS-enabled databases and the auth variants, end to end on real processes (examples/tls/, examples/auth/ applied
 * as a user would): a TLS-only Standalone and Cluster (3×2) reconfigure Successful over TLS with the client
 * certificate, CONFIG GET over TLS shows the value and plain TCP is refused; `disableAuth` and a user-provided
 * `authSecret` Standalone reconfigure Successful. No password and no key material appears in any function log,
 * controller log line, pod log, condition message or event of these runs.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { applyFile, applyObjects } from '../../infra/local/manifests.ts';
import { waitFor } from '../../infra/local/wait.ts';
import { PROJECT_ROOT } from '../../infra/local/serverless-config.ts';
import { RedisAdapter } from '../../shared/adapters/redis/redis-adapter.ts';
import type { RedisOpsRequest } from '../../shared/kubedb/types.ts';
import type { RedisTarget } from '../../shared/steps/ports.ts';
import { isPaused, getRedis, startTestStack, waitDatabaseReady } from './harness.ts';
import { followOpsRequest } from '../../infra/local/ops-progress.ts';

const examples = join(PROJECT_ROOT, 'examples');
const NS = 'demo';

const decode = (v: string | undefined): string => Buffer.from(v ?? '', 'base64').toString('utf8');

async function secretData(kc: KubeConfig, name: string): Promise<Record<string, string> | undefined> {
  try {
    const s = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: NS, name });
    return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, decode(v)]));
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

async function podIps(kc: KubeConfig, instance: string): Promise<Map<string, string>> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/instance=${instance}` });
  return new Map(pods.items.map((p) => [p.metadata?.name ?? '', p.status?.podIP ?? '']));
}

/** What a TLS client of `db` needs, from `<db>-client-cert` (as the functions read it). */
async function tlsOf(kc: KubeConfig, db: string): Promise<NonNullable<RedisTarget['tls']>> {
  const s = await secretData(kc, `${db}-client-cert`);
  assert.ok(s, `${db}-client-cert exists`);
  return { ca: s['ca.crt']!, cert: s['tls.crt']!, key: s['tls.key']!, servername: `${db}.${NS}.svc` };
}

async function runExample(kc: KubeConfig, file: string, name: string): Promise<RedisOpsRequest> {
  await applyFile(kc, join(examples, file));
  return followOpsRequest(kc, NS, name, () => undefined, { timeoutMs: 300_000 });
}

async function eventMessages(kc: KubeConfig): Promise<string> {
  const events = await kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NS });
  return events.items.map((e) => `${e.reason ?? ''} ${e.message ?? ''}`).join('\n');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.log')).map((e) => join(e.parentPath, e.name));
}

describe('TLS-enabled databases and auth variants', { timeout: 900_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  /** Everything the controllers (in this process) write to stderr while the suite runs. */
  let stderr = '';
  const secrets: string[] = [];
  const messages: string[] = [];
  let restoreStderr: () => void = () => undefined;
  before(async () => {
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return write(chunk, ...rest);
    };
    restoreStderr = () => (process.stderr.write = write);
    stack = await startTestStack();
    await applyFile(stack.kubeConfig, join(examples, 'tls', '00-namespace.yaml'));
  });
  after(async () => {
    restoreStderr();
    await stack?.cleanup();
  });

  const conditionText = (ops: RedisOpsRequest) =>
    (ops.status?.conditions ?? []).map((c) => `${c.type} ${c.reason ?? ''} ${c.message ?? ''}`).join('\n');

  it('TLS Standalone (KubeDB guide): certificate secrets issued, TLS-only pod, reconfigure Successful over TLS', async () => {
    const kc = stack.kubeConfig;
    await applyFile(kc, join(examples, 'tls', '01-rd-tls.yaml'));
    await waitDatabaseReady(kc, NS, 'rd-tls');
    for (const alias of ['server', 'client', 'metrics-exporter']) {
      const s = await secretData(kc, `rd-tls-${alias}-cert`);
      assert.ok(s?.['ca.crt'] && s['tls.crt'] && s['tls.key'], `rd-tls-${alias}-cert has ca.crt, tls.crt, tls.key`);
      secrets.push(s['tls.key'].split('\n')[1]!);
    }
    secrets.push((await secretData(kc, 'rd-tls-auth'))!['password']!);
    const ops = await runExample(kc, 'tls/10-rdops-tls-reconfigure.yaml', 'rdops-tls-reconfigure');
    messages.push(conditionText(ops));
    assert.equal(ops.status?.phase, 'Successful', conditionText(ops));

    const ip = (await podIps(kc, 'rd-tls')).get('rd-tls-0')!;
    const password = (await secretData(kc, 'rd-tls-auth'))!['password']!;
    const redis = new RedisAdapter();
    const tls = await tlsOf(kc, 'rd-tls');
    assert.deepEqual(await redis.configGet({ host: ip, port: 6379, password, tls }, ['maxclients']), {
      maxclients: '3000',
    });
    await assert.rejects(redis.configGet({ host: ip, port: 6379, password }, ['maxclients']), 'plain TCP is refused');
    await waitDatabaseReady(kc, NS, 'rd-tls');
    assert.equal(isPaused(await getRedis(kc, NS, 'rd-tls')), false);
  });

  it('TLS Cluster 3×2: cluster bus over TLS, reconfigure Successful, every pod shows the value over TLS only', async () => {
    const kc = stack.kubeConfig;
    await applyFile(kc, join(examples, 'tls', '02-rd-cluster-tls.yaml'));
    await waitDatabaseReady(kc, NS, 'rd-cluster-tls');
    const password = (await secretData(kc, 'rd-cluster-tls-auth'))!['password']!;
    secrets.push(password, (await secretData(kc, 'rd-cluster-tls-client-cert'))!['tls.key']!.split('\n')[1]!);
    const ops = await runExample(kc, 'tls/11-rdops-cluster-tls-reconfigure.yaml', 'rdops-cluster-tls-reconfigure');
    messages.push(conditionText(ops));
    assert.equal(ops.status?.phase, 'Successful', conditionText(ops));
    const redis = new RedisAdapter();
    const tls = await tlsOf(kc, 'rd-cluster-tls');
    const ips = await podIps(kc, 'rd-cluster-tls');
    assert.equal(ips.size, 6);
    for (const [pod, ip] of ips) {
      const got = await redis.configGet({ host: ip, port: 6379, password, tls }, ['maxclients', 'tls-cluster']);
      assert.deepEqual(got, { maxclients: '3000', 'tls-cluster': 'yes' }, pod);
      await assert.rejects(redis.configGet({ host: ip, port: 6379, password }, ['maxclients']), `${pod}: plain TCP`);
    }
    const info = await redis.clusterInfo({ host: ips.get('rd-cluster-tls-shard0-0')!, port: 6379, password, tls });
    assert.match(info, /cluster_state:ok/);
  });

  it('TLS Sentinel: sentinels and replication over TLS, reconfigure Successful, one primary agreed afterwards', async () => {
    const kc = stack.kubeConfig;
    await applyFile(kc, join(examples, 'tls', '03-sentinel-tls.yaml'));
    await applyFile(kc, join(examples, 'tls', '04-rd-sentinel-tls.yaml'));
    await waitDatabaseReady(kc, NS, 'rd-sentinel-tls');
    const password = (await secretData(kc, 'rd-sentinel-tls-auth'))!['password']!;
    const sentinelPassword = (await secretData(kc, 'sen-tls-auth'))!['password']!;
    secrets.push(password, sentinelPassword);
    const ops = await runExample(kc, 'tls/12-rdops-sentinel-tls-reconfigure.yaml', 'rdops-sentinel-tls-reconfigure');
    messages.push(conditionText(ops));
    assert.equal(ops.status?.phase, 'Successful', conditionText(ops));
    const redis = new RedisAdapter();
    const tls = await tlsOf(kc, 'rd-sentinel-tls');
    for (const [pod, ip] of await podIps(kc, 'rd-sentinel-tls')) {
      const got = await redis.configGet({ host: ip, port: 6379, password, tls }, ['maxclients', 'tls-replication']);
      assert.deepEqual(got, { maxclients: '3000', 'tls-replication': 'yes' }, pod);
      await assert.rejects(redis.configGet({ host: ip, port: 6379, password }, ['maxclients']), `${pod}: plain TCP`);
    }
    const sentinelTls = await tlsOf(kc, 'sen-tls');
    const primaries = new Set<string>();
    for (const [pod, ip] of await podIps(kc, 'sen-tls')) {
      const target = { host: ip, port: 26379, password: sentinelPassword, tls: sentinelTls };
      const primary = await redis.sentinelPrimary(target, 'demo/rd-sentinel-tls');
      assert.ok(primary, `${pod} knows the primary`);
      primaries.add(primary.host);
      const { tls: _tls, ...plain } = target;
      await assert.rejects(redis.sentinelPrimary(plain, 'demo/rd-sentinel-tls'), `${pod}: plain TCP`);
    }
    assert.equal(primaries.size, 1, 'the sentinels agree on one primary');
  });

  it('a plaintext Sentinel-mode Redis pointing at the TLS RedisSentinel is refused (TLSMismatch), no pods', async () => {
    const kc = stack.kubeConfig;
    await applyObjects(kc, [
      {
        apiVersion: 'kubedb.com/v1',
        kind: 'Redis',
        metadata: { name: 'rd-mismatch', namespace: NS },
        spec: { version: '8.2.2', mode: 'Sentinel', replicas: 3, sentinelRef: { name: 'sen-tls', namespace: NS } },
      },
    ] as never);
    const reason = await waitFor(
      'rd-mismatch reports TLSMismatch',
      async () => {
        const conditions = (await getRedis(kc, NS, 'rd-mismatch')).status?.conditions ?? [];
        return conditions.find((c) => c.reason === 'TLSMismatch')?.message;
      },
      { timeoutMs: 30_000 },
    );
    assert.match(reason, /sen-tls must both have spec\.tls, or neither/);
    assert.equal((await podIps(kc, 'rd-mismatch')).size, 0);
  });

  it('disableAuth: no auth secret, no password needed, reconfigure Successful', async () => {
    const kc = stack.kubeConfig;
    await applyFile(kc, join(examples, 'auth', '01-rd-noauth.yaml'));
    await waitDatabaseReady(kc, NS, 'rd-noauth');
    assert.equal(await secretData(kc, 'rd-noauth-auth'), undefined, 'no auth secret is generated');
    const ops = await runExample(kc, 'auth/10-rdops-noauth-reconfigure.yaml', 'rdops-noauth-reconfigure');
    messages.push(conditionText(ops));
    assert.equal(ops.status?.phase, 'Successful', conditionText(ops));
    const ip = (await podIps(kc, 'rd-noauth')).get('rd-noauth-0')!;
    assert.deepEqual(await new RedisAdapter().configGet({ host: ip, port: 6379 }, ['maxclients', 'requirepass']), {
      maxclients: '3000',
      requirepass: '',
    });
  });

  it('custom authSecret: the user secret is used (no <db>-auth), reconfigure Successful', async () => {
    const kc = stack.kubeConfig;
    await applyFile(kc, join(examples, 'auth', '02-custom-auth-secret.yaml'));
    await applyFile(kc, join(examples, 'auth', '03-rd-custom-auth.yaml'));
    await waitDatabaseReady(kc, NS, 'rd-custom-auth');
    assert.equal(await secretData(kc, 'rd-custom-auth-auth'), undefined, 'no generated auth secret');
    const password = (await secretData(kc, 'rd-custom-auth-secret'))!['password']!;
    secrets.push(password);
    const ops = await runExample(kc, 'auth/11-rdops-custom-auth-reconfigure.yaml', 'rdops-custom-auth-reconfigure');
    messages.push(conditionText(ops));
    assert.equal(ops.status?.phase, 'Successful', conditionText(ops));
    const ip = (await podIps(kc, 'rd-custom-auth')).get('rd-custom-auth-0')!;
    const redis = new RedisAdapter();
    assert.deepEqual(await redis.configGet({ host: ip, port: 6379, password }, ['maxclients']), { maxclients: '3000' });
    await assert.rejects(redis.configGet({ host: ip, port: 6379, password: 'wrong' }, ['maxclients']));
  });

  it('no password and no key material in any log line, condition message or event of these runs', async () => {
    assert.ok(secrets.length >= 6, 'the secrets to look for were collected');
    const logs = await filesUnder(stack.stateDir);
    assert.ok(
      logs.some((f) => f.includes(`${join('logs', 'apply-config')}`)),
      `function logs found: ${logs.join()}`,
    );
    const haystacks: Array<[string, string]> = [
      ['controller stderr', stderr],
      ['conditions', messages.join('\n')],
      ['events', await eventMessages(stack.kubeConfig)],
    ];
    for (const f of logs) haystacks.push([f, await readFile(f, 'utf8')]);
    for (const [where, text] of haystacks)
      for (const s of secrets) assert.ok(!text.includes(s), `a secret (${s.length} chars) appears in ${where}`);
  });
});
