/**
 * EKS access with only `{eksClusterName, region}` configured: the endpoint and CA come from eks:DescribeCluster,
 * called with the real AWS SDK client against a tiny local server speaking the EKS REST protocol
 * (`GET /clusters/<name>`, errors by `x-amzn-errortype`) — no emulator exists here — and the resulting KubeConfig
 * authenticates against the project's local API server. Covers the TTL cache, single flight, a moved cluster,
 * ResourceNotFound → UnknownClusterError, other failures → UnavailableError, a cluster still CREATING, and that a
 * configured endpoint and CA are used as they are, without a call.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EKSClient } from '@aws-sdk/client-eks';
import { CoreV1Api } from '@kubernetes/client-node';
import { startKubeApiServer, type KubeApiServer } from '../../../infra/local/kube-apiserver/index.ts';
import { UnavailableError, UnknownClusterError } from '../../errors.ts';
import { EksTokenAccess, eksToken, type AwsCredentials } from './cluster-access-eks.ts';

const CREDS: AwsCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const AT = new Date('2024-01-02T03:04:05.678Z');
const OTHER_CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n').toString('base64');

interface FakeCluster {
  endpoint?: string;
  caData?: string;
  status: string;
}

interface Seen {
  method: string | undefined;
  path: string | undefined;
  authorization: string | undefined;
}

/** clusters: EKS cluster name → what DescribeCluster answers; `failWith` makes every call answer that error. */
class FakeEks {
  readonly clusters = new Map<string, FakeCluster>();
  readonly seen: Seen[] = [];
  failWith: { status: number; type: string } | undefined;
  readonly #server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      this.seen.push({ method: req.method, path: req.url, authorization: req.headers.authorization });
      const reply = (status: number, json: object, errorType?: string): void => {
        res.writeHead(status, {
          'content-type': 'application/json',
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(JSON.stringify(json));
      };
      const name = /^\/clusters\/([^/?]+)$/.exec(req.url ?? '')?.[1];
      if (req.method !== 'GET' || name === undefined)
        return reply(400, { message: 'unexpected call' }, 'InvalidRequestException');
      if (this.failWith) return reply(this.failWith.status, { message: 'injected' }, this.failWith.type);
      const cluster = this.clusters.get(decodeURIComponent(name));
      if (cluster === undefined)
        return reply(404, { message: `No cluster found for name: ${name}.` }, 'ResourceNotFoundException');
      reply(200, {
        cluster: {
          name,
          arn: `arn:aws:eks:eu-west-1:111122223333:cluster/${name}`,
          status: cluster.status,
          ...(cluster.endpoint ? { endpoint: cluster.endpoint } : {}),
          ...(cluster.caData ? { certificateAuthority: { data: cluster.caData } } : {}),
          createdAt: 1_700_000_000,
        },
      });
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((ok) => this.#server.listen(0, '127.0.0.1', ok));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((ok) => this.#server.close(() => ok()));
  }
}

describe('EksTokenAccess with eks:DescribeCluster', () => {
  const fake = new FakeEks();
  const TTL = 300_000;
  let server: KubeApiServer;
  let local: FakeCluster;
  let client: EKSClient;
  let regions: string[];
  let now: number;
  let access: EksTokenAccess;

  before(async () => {
    // The API server knows only the token for cluster name prod-eu signed at AT: the KubeConfig must carry it.
    const token = await eksToken({ eksClusterName: 'prod-eu', region: 'eu-west-1' }, CREDS, AT);
    server = await startKubeApiServer({ tokens: { [token]: 'arn:aws:sts::111122223333:assumed-role/fn/x' } });
    local = { endpoint: server.url, caData: Buffer.from(server.caPem).toString('base64'), status: 'ACTIVE' };
    // maxAttempts 1: the SDK's own retries would only slow the error cases down; the queue is the retry mechanism.
    client = new EKSClient({ endpoint: await fake.start(), region: 'eu-west-1', maxAttempts: 1, credentials: CREDS });
  });
  after(async () => {
    client.destroy();
    await fake.stop();
    await server.stop();
  });
  beforeEach(() => {
    fake.clusters.clear();
    fake.seen.length = 0;
    fake.failWith = undefined;
    regions = [];
    now = AT.getTime();
    access = new EksTokenAccess(
      {
        prod: { eksClusterName: 'prod-eu', region: 'eu-west-1' },
        gone: { eksClusterName: 'old', region: 'eu-west-1' },
      },
      {
        now: () => new Date(now),
        credentials: async () => CREDS,
        eksClient: (region) => (regions.push(region), client),
        endpointTtlMs: TTL,
      },
    );
  });

  it('reads endpoint and CA with one signed DescribeCluster; the KubeConfig reaches the API server with the token', async () => {
    fake.clusters.set('prod-eu', local);
    const kc = await access.kubeConfigFor('prod');
    assert.equal(kc.getCurrentCluster()?.server, server.url);
    const list = await kc.makeApiClient(CoreV1Api).listNamespace();
    assert.ok(list.items.some((ns) => ns.metadata?.name === 'default'));
    assert.equal(fake.seen.length, 1);
    assert.deepEqual([fake.seen[0]!.method, fake.seen[0]!.path], ['GET', '/clusters/prod-eu']);
    assert.match(
      fake.seen[0]!.authorization ?? '',
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/eks\/aws4_request/,
    );
    assert.deepEqual(regions, ['eu-west-1'], "the client of the cluster's region");
  });

  it('serves the answer from cache within the TTL, one call for concurrent callers; after it, same cluster → same KubeConfig', async () => {
    fake.clusters.set('prod-eu', local);
    const [a, b] = await Promise.all([access.kubeConfigFor('prod'), access.kubeConfigFor('prod')]);
    assert.equal(a, b);
    now += TTL - 1;
    assert.equal(await access.kubeConfigFor('prod'), a);
    assert.equal(fake.seen.length, 1, 'no call within the TTL');
    now += 1;
    assert.equal(await access.kubeConfigFor('prod'), a, 'unchanged endpoint and CA: the same instance');
    assert.equal(fake.seen.length, 2);
  });

  it('a cluster re-created under the same name (new endpoint or CA) gets a new KubeConfig after the TTL', async () => {
    fake.clusters.set('prod-eu', local);
    const first = await access.kubeConfigFor('prod');
    fake.clusters.set('prod-eu', { ...local, caData: OTHER_CA });
    now += TTL;
    const moved = await access.kubeConfigFor('prod');
    assert.notEqual(moved, first);
    assert.equal(moved.getCurrentCluster()?.caData, OTHER_CA);
  });

  it('ResourceNotFoundException → UnknownClusterError naming the id, the EKS name and the region; also after a cached hit', async () => {
    await assert.rejects(
      access.kubeConfigFor('gone'),
      (err: Error) =>
        err instanceof UnknownClusterError &&
        /unknown cluster "gone"/.test(err.message) &&
        /"old" in eu-west-1/.test(err.message),
    );
    fake.clusters.set('prod-eu', local);
    await access.kubeConfigFor('prod');
    fake.clusters.delete('prod-eu');
    now += TTL;
    await assert.rejects(access.kubeConfigFor('prod'), UnknownClusterError);
  });

  it('an id missing from CLUSTERS_CONFIG is UnknownClusterError without any AWS call', async () => {
    await assert.rejects(
      access.kubeConfigFor('staging'),
      (err: Error) => err instanceof UnknownClusterError && /"staging": not in CLUSTERS_CONFIG/.test(err.message),
    );
    assert.equal(fake.seen.length, 0);
  });

  it('other errors and a cluster still CREATING → UnavailableError (retried); no stale answer after the TTL; recovery', async () => {
    fake.clusters.set('prod-eu', local);
    await access.kubeConfigFor('prod');
    now += TTL;
    for (const failure of [
      { status: 500, type: 'ServerException' },
      { status: 429, type: 'ThrottlingException' },
      { status: 403, type: 'AccessDeniedException' },
    ]) {
      fake.failWith = failure;
      await assert.rejects(
        access.kubeConfigFor('prod'),
        (err: Error) => err instanceof UnavailableError && err.message.includes(failure.type),
      );
    }
    fake.failWith = undefined;
    fake.clusters.set('prod-eu', { status: 'CREATING' });
    await assert.rejects(
      access.kubeConfigFor('prod'),
      (err: Error) => err instanceof UnavailableError && /status CREATING/.test(err.message),
    );
    fake.clusters.set('prod-eu', local);
    assert.equal((await access.kubeConfigFor('prod')).getCurrentCluster()?.server, server.url);
  });

  it('uses an endpoint and CA given in CLUSTERS_CONFIG as they are: no DescribeCluster', async () => {
    const configured = new EksTokenAccess(
      { prod: { eksClusterName: 'prod-eu', region: 'eu-west-1', endpoint: local.endpoint, caData: local.caData } },
      { now: () => new Date(now), credentials: async () => CREDS, eksClient: () => client },
    );
    const kc = await configured.kubeConfigFor('prod');
    await kc.makeApiClient(CoreV1Api).listNamespace();
    assert.equal(fake.seen.length, 0);
  });
});
