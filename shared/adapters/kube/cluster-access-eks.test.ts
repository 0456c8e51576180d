/**
 * EKS token access: the presigned URL checked field by field and its signature recomputed independently (a SigV4
 * HMAC chain over node:crypto, not the SDK's signer); token caching with a fake clock; and the KubeConfig shape proven
 * by authenticating against the project's local API server, which knows only the expected token.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { startKubeApiServer, type KubeApiServer } from '../../../infra/local/kube-apiserver/index.ts';
import { UnavailableError, UnknownClusterError } from '../../errors.ts';
import {
  EKS_TOKEN_PREFIX,
  EksTokenAccess,
  eksToken,
  type AwsCredentials,
  type EksClusterConfig,
} from './cluster-access-eks.ts';

const CREDS: AwsCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  // '+', '/' and '=' must be percent-encoded in the URL, or STS would read '+' as a space.
  sessionToken: 'IQoJb3JpZ2luX2VjE+/session==',
};
const AT = new Date('2024-01-02T03:04:05.678Z');
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
const CLUSTER: EksClusterConfig = {
  endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
  caData: CA,
  eksClusterName: 'prod-eu',
  region: 'eu-west-1',
};

function decodeToken(token: string): URL {
  assert.ok(token.startsWith(EKS_TOKEN_PREFIX));
  const body = token.slice(EKS_TOKEN_PREFIX.length);
  assert.match(body, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
  return new URL(Buffer.from(body, 'base64url').toString('utf8'));
}

/** SigV4 by the book (AWS General Reference, "Create a signed AWS API request"), written independently of the SDK. */
function expectedSignature(url: URL, headers: Record<string, string>, creds: AwsCredentials, region: string): string {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const canonicalQuery = params
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join('&');
  const names = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const canonicalHeaders = names.map((h) => `${h}:${headers[h]!.trim()}\n`).join('');
  const emptyPayload = createHash('sha256').update('').digest('hex');
  const canonicalRequest = ['GET', '/', canonicalQuery, canonicalHeaders, names.join(';'), emptyPayload].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date')!;
  const scope = `${amzDate.slice(0, 8)}/${region}/sts/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  let key = hmac(`AWS4${creds.secretAccessKey}`, amzDate.slice(0, 8));
  for (const part of [region, 'sts', 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('eksToken', () => {
  it('is a presigned STS GetCallerIdentity URL bound to the cluster name, as aws eks get-token makes it', async () => {
    const url = decodeToken(await eksToken(CLUSTER, CREDS, AT));
    assert.equal(url.protocol, 'https:');
    assert.equal(url.host, 'sts.eu-west-1.amazonaws.com');
    assert.equal(url.pathname, '/');
    const q = Object.fromEntries(url.searchParams.entries());
    assert.deepEqual(
      Object.keys(q).sort(),
      [
        'Action',
        'Version',
        'X-Amz-Algorithm',
        'X-Amz-Credential',
        'X-Amz-Date',
        'X-Amz-Expires',
        'X-Amz-Security-Token',
        'X-Amz-Signature',
        'X-Amz-SignedHeaders',
      ],
      'only the parameters aws-iam-authenticator accepts',
    );
    assert.equal(q.Action, 'GetCallerIdentity');
    assert.equal(q.Version, '2011-06-15');
    assert.equal(q['X-Amz-Algorithm'], 'AWS4-HMAC-SHA256');
    assert.equal(q['X-Amz-Credential'], 'AKIDEXAMPLE/20240102/eu-west-1/sts/aws4_request');
    assert.equal(q['X-Amz-Date'], '20240102T030405Z');
    assert.equal(q['X-Amz-Expires'], '60');
    assert.equal(q['X-Amz-SignedHeaders'], 'host;x-k8s-aws-id');
    assert.equal(q['X-Amz-Security-Token'], CREDS.sessionToken);
    const headers = { host: 'sts.eu-west-1.amazonaws.com', 'x-k8s-aws-id': 'prod-eu' };
    assert.equal(q['X-Amz-Signature'], expectedSignature(url, headers, CREDS, 'eu-west-1'));
  });

  it('omits the security token for long-term keys, and the signature depends on the cluster name', async () => {
    const { sessionToken: _s, ...longTerm } = CREDS;
    const a = decodeToken(await eksToken(CLUSTER, longTerm, AT));
    assert.equal(a.searchParams.has('X-Amz-Security-Token'), false);
    assert.equal(
      a.searchParams.get('X-Amz-Signature'),
      expectedSignature(a, { host: a.host, 'x-k8s-aws-id': 'prod-eu' }, longTerm, 'eu-west-1'),
    );
    const b = decodeToken(await eksToken({ ...CLUSTER, eksClusterName: 'other' }, longTerm, AT));
    assert.notEqual(a.searchParams.get('X-Amz-Signature'), b.searchParams.get('X-Amz-Signature'));
  });
});

describe('EksTokenAccess', () => {
  it('reuses a token for 10 minutes, then signs a new one; concurrent callers share one signing', async () => {
    let now = AT.getTime();
    let credentialCalls = 0;
    const access = new EksTokenAccess(
      { prod: CLUSTER },
      { now: () => new Date(now), credentials: async () => (credentialCalls++, CREDS) },
    );
    const [t1, t1b] = await Promise.all([access.tokenFor('prod'), access.tokenFor('prod')]);
    assert.equal(t1, t1b);
    assert.equal(credentialCalls, 1);
    now += 10 * 60_000 - 1;
    assert.equal(await access.tokenFor('prod'), t1);
    now += 1;
    const t2 = await access.tokenFor('prod');
    assert.notEqual(t2, t1);
    assert.equal(decodeToken(t2).searchParams.get('X-Amz-Date'), '20240102T031405Z');
    assert.equal(credentialCalls, 2);
  });

  it('unknown cluster id → UnknownClusterError naming it; no credentials → UnavailableError', async () => {
    const access = new EksTokenAccess(
      { prod: CLUSTER },
      { credentials: async () => Promise.reject(new Error('Could not load credentials from any providers')) },
    );
    await assert.rejects(
      access.kubeConfigFor('nope'),
      (err: Error) => err instanceof UnknownClusterError && /"nope"/.test(err.message) && /prod/.test(err.message),
    );
    await assert.rejects(
      access.kubeConfigFor('prod'),
      (err: Error) => err instanceof UnavailableError && /Could not load credentials/.test(err.message),
    );
  });

  describe('against the local API server', () => {
    let server: KubeApiServer;
    let expected: string;
    let access: EksTokenAccess;
    let now = AT.getTime();
    const TEN_MINUTES = 10 * 60_000;

    before(async () => {
      // Deterministic clock + credentials → the token is known before the server starts: it is the only one it accepts.
      // (The token depends on region, cluster name, credentials and time — not on the endpoint or the CA.)
      expected = await eksToken(CLUSTER, CREDS, AT);
      const later = await eksToken(CLUSTER, CREDS, new Date(AT.getTime() + TEN_MINUTES));
      const user = 'arn:aws:sts::111122223333:assumed-role/fn/x';
      server = await startKubeApiServer({ tokens: { [expected]: user, [later]: user } });
      const local = { ...CLUSTER, endpoint: server.url, caData: Buffer.from(server.caPem).toString('base64') };
      const clusters = { good: local, other: { ...local, eksClusterName: 'other' } };
      access = new EksTokenAccess(clusters, { now: () => new Date(now), credentials: async () => CREDS });
    });
    after(async () => server.stop());

    it('the KubeConfig verifies the CA and sends the token; a token for another cluster name is refused', async () => {
      const kc = await access.kubeConfigFor('good');
      assert.equal(await access.tokenFor('good'), expected);
      assert.equal(kc.getCurrentCluster()?.server, server.url);
      const list = await kc.makeApiClient(CoreV1Api).listNamespace();
      assert.ok(list.items.some((ns) => ns.metadata?.name === 'default'));
      assert.equal(await access.kubeConfigFor('good'), kc, 'one KubeConfig per cluster');
      const other = await access.kubeConfigFor('other');
      await assert.rejects(
        other.makeApiClient(CoreV1Api).listNamespace(),
        (err: { code?: number }) => err.code === 401,
      );
    });

    it('a long-lived client sends the current token on every request (a warm function never uses an expired one)', async () => {
      const core = (await access.kubeConfigFor('good')).makeApiClient(CoreV1Api);
      now = AT.getTime() + TEN_MINUTES; // the server knows the token signed at this time too
      await core.listNamespace();
      now = AT.getTime() + 2 * TEN_MINUTES; // ...but not this one: proof that the header is minted per request
      await assert.rejects(core.listNamespace(), (err: { code?: number }) => err.code === 401);
      now = AT.getTime();
    });
  });
});
