/**
 * A TLS-only container on a real redis-server: KubeDB's TLS args with /certs paths, the kubelet's rewrite to the
 * mounted files, a listener that accepts only TLS clients with a certificate from the CA, and the probe over TLS.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Secret } from '@kubernetes/client-node';
import { ensureCertificates } from '../provisioner/certificates.ts';
import { tlsArgs } from '../provisioner/tls-args.ts';
import type { KubeApis } from '../runtime/kube.ts';
import { PodIpAllocator } from './ip-allocator.ts';
import { planRedisStart } from './kubedb-redis-start.ts';
import { RedisProcess } from './redis-process.ts';
import { pingRedis } from './redis-ping.ts';
import { rewriteTlsArgPaths } from './tls-start.ts';

async function issue(): Promise<Map<string, V1Secret>> {
  const store = new Map<string, V1Secret>();
  const apis = {
    core: {
      createNamespacedSecret: async ({ body }: { body: V1Secret }) => void store.set(body.metadata?.name ?? '', body),
    },
  } as unknown as KubeApis;
  const owner = {
    apiVersion: 'kubedb.com/v1',
    kind: 'Redis' as const,
    name: 'rd',
    namespace: 'demo',
    uid: 'u',
    governingService: 'rd-pods',
    labels: {},
  };
  await ensureCertificates(apis, owner, { name: 'issuer' }, (_ns, name) => store.get(name));
  return store;
}

void describe('TLS-only redis container', async () => {
  const root = await mkdtemp(join(tmpdir(), 'kubelet-tls-'));
  const procs: RedisProcess[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => p.stop(0)));
    await rm(root, { recursive: true, force: true });
  });

  void it('rewrites only certificate paths under a mount', () => {
    const table = new Map([['/certs', '/host/certs']]);
    assert.deepEqual(
      rewriteTlsArgPaths(
        ['--tls-cert-file', '/certs/server.crt', '--dir', '/certs/x', '--tls-key-file', '/o/k'],
        table,
      ),
      ['--tls-cert-file', '/host/certs/server.crt', '--dir', '/certs/x', '--tls-key-file', '/o/k'],
    );
  });

  void it('listens on TLS only, with client certificates required; the probe passes over TLS', async () => {
    const secrets = await issue();
    const file = (secret: string, key: string) =>
      Buffer.from(secrets.get(secret)?.data?.[key] ?? '', 'base64').toString();
    const certs = join(root, 'certs');
    const configDir = join(root, 'config');
    await mkdir(certs, { recursive: true });
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'default.conf'), 'protected-mode no\n');
    await writeFile(join(certs, 'ca.crt'), file('rd-server-cert', 'ca.crt'));
    await writeFile(join(certs, 'server.crt'), file('rd-server-cert', 'tls.crt'));
    await writeFile(join(certs, 'server.key'), file('rd-server-cert', 'tls.key'));
    await writeFile(join(certs, 'client.crt'), file('rd-client-cert', 'tls.crt'));
    await writeFile(join(certs, 'client.key'), file('rd-client-cert', 'tls.key'));
    const ip = await new PodIpAllocator().allocate('tls-pod');
    const plan = await planRedisStart({
      image: 'redis:8.2.2',
      mounts: new Map([
        ['/usr/local/etc/redis', configDir],
        ['/data', join(root, 'data')],
        ['/certs', certs],
      ]),
      env: { REDIS_PASSWORD: 'pw' },
      containerArgs: tlsArgs('Standalone'),
      podIP: ip,
      podRoot: root,
    });
    assert.ok(plan.tls, 'the probe connects over TLS');
    assert.ok(!plan.args.includes('/certs/server.crt'), 'container paths mapped to the mounted files');
    const proc = RedisProcess.start({ configFile: plan.configFile, args: plan.args, cwd: plan.dataDir });
    procs.push(proc);
    assert.equal(await proc.waitReady(ip, 6379, 'pw', { deadlineMs: 5000, intervalMs: 20, tls: plan.tls }), true);
    assert.equal(await pingRedis(ip, 6379, 'pw'), false, 'no plaintext listener');
    const { cert: _c, key: _k, ...noClientCert } = plan.tls;
    assert.equal(await pingRedis(ip, 6379, 'pw', 500, noClientCert), false, 'a client certificate is required');
  });
});
