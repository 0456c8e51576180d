import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeApis } from '../runtime/kube.ts';
import { caSecretName, certSecretName, ensureCertificates, serverIdentity, type CertOwner } from './certificates.ts';
import { probeCommand, tlsArgs, tlsVolume } from './tls-args.ts';

const owner: CertOwner = {
  apiVersion: 'kubedb.com/v1',
  kind: 'Redis',
  name: 'rd-tls',
  namespace: 'demo',
  uid: 'u-1',
  governingService: 'rd-tls-pods',
  labels: { 'app.kubernetes.io/instance': 'rd-tls' },
};
const ref = { apiGroup: 'cert-manager.io', kind: 'Issuer', name: 'redis-ca-issuer' };

/** An API that stores created Secrets (409 on a second create of a name), and a cache reading them. */
function fakeApi() {
  const store = new Map<string, V1Secret>();
  const apis = {
    core: {
      createNamespacedSecret: async ({ body }: { namespace: string; body: V1Secret }) => {
        const name = body.metadata?.name ?? '';
        if (store.has(name)) throw Object.assign(new Error('exists'), { code: 409 });
        store.set(name, body);
        return body;
      },
      readNamespacedSecret: async ({ name }: { name: string }) => store.get(name),
    },
  } as unknown as KubeApis;
  return { apis, store, cached: (_ns: string, name: string) => store.get(name) };
}

const pem = (s: V1Secret | undefined, key: string): string => Buffer.from(s?.data?.[key] ?? '', 'base64').toString();

describe('local certificate issuance (cert-manager stand-in)', () => {
  it("creates KubeDB's three secrets, signed by one CA per issuer, with the layout and names clients rely on", async () => {
    const { apis, store, cached } = fakeApi();
    await ensureCertificates(apis, owner, ref, cached);
    const ca = new X509Certificate(pem(store.get(caSecretName(ref)), 'tls.crt'));
    for (const alias of ['server', 'client', 'metrics-exporter'] as const) {
      const s = store.get(certSecretName('rd-tls', alias));
      assert.equal(s?.type, 'kubernetes.io/tls');
      assert.deepEqual(Object.keys(s?.data ?? {}).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
      const cert = new X509Certificate(pem(s, 'tls.crt'));
      assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), `${alias} is signed by the issuer's CA`);
      assert.equal(pem(s, 'ca.crt').trim(), ca.toString().trim());
      assert.equal(s?.metadata?.ownerReferences?.[0]?.uid, 'u-1');
    }
    const server = new X509Certificate(pem(store.get('rd-tls-server-cert'), 'tls.crt'));
    assert.ok(server.checkHost(serverIdentity('rd-tls', 'demo')), 'names the service <db>.<ns>.svc');
    assert.ok(server.checkHost('rd-tls-0.rd-tls-pods.demo.svc'), 'and every pod of the governing service');
    assert.ok(server.checkIP('127.0.0.1'));
    // Replication and the cluster bus present the server certificate as a client certificate.
    assert.match(
      server.toLegacyObject().ext_key_usage?.join(',') ?? '',
      /1\.3\.6\.1\.5\.5\.7\.3\.1.*1\.3\.6\.1\.5\.5\.7\.3\.2/,
    );
    const client = new X509Certificate(pem(store.get('rd-tls-client-cert'), 'tls.crt'));
    assert.match(client.subject, /CN=default/);
  });

  it('a second database naming the same issuer shares the CA; existing secrets are left alone', async () => {
    const { apis, store, cached } = fakeApi();
    await ensureCertificates(apis, owner, ref, cached);
    const first = pem(store.get('rd-tls-client-cert'), 'tls.crt');
    await ensureCertificates(apis, owner, ref, cached);
    assert.equal(pem(store.get('rd-tls-client-cert'), 'tls.crt'), first, 'not re-issued');
    await ensureCertificates(apis, { ...owner, name: 'sen-tls', kind: 'RedisSentinel' }, ref, cached);
    assert.equal(pem(store.get('sen-tls-server-cert'), 'ca.crt'), pem(store.get('rd-tls-server-cert'), 'ca.crt'));
  });
});

describe("KubeDB's TLS pod template", () => {
  it('TLS-only arguments per mode, the /certs projected volume and the probe command', () => {
    assert.deepEqual(tlsArgs('Standalone').slice(0, 4), ['--tls-port', '6379', '--port', '0']);
    assert.deepEqual(tlsArgs('Cluster').slice(-4), ['--tls-replication', 'yes', '--tls-cluster', 'yes']);
    assert.deepEqual(tlsArgs('Sentinel-server', 26379).slice(0, 2), ['--tls-port', '26379']);
    const sources = (tlsVolume('rd-tls')['projected'] as { sources: { secret: { name: string } }[] }).sources;
    assert.deepEqual(
      sources.map((s) => s.secret.name),
      ['rd-tls-server-cert', 'rd-tls-client-cert'],
    );
    assert.equal(probeCommand(false, true), 'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep PONG');
    assert.match(probeCommand(true, false), /^redis-cli --tls --cert \/certs\/client\.crt .* ping \| grep PONG$/);
  });
});
