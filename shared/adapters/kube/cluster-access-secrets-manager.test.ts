/**
 * SecretsManagerAccess with the real AWS SDK client against a tiny local server speaking the Secrets Manager
 * protocol (AWS JSON 1.1: POST /, `X-Amz-Target: secretsmanager.GetSecretValue`, errors as `__type`) — no emulator
 * exists here. Covers cache hit, TTL refetch, rotation, ResourceNotFound → UnknownClusterError, other errors →
 * UnavailableError, and kubeconfigs a function cannot use.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import YAML from 'yaml';
import { UnavailableError, UnknownClusterError } from '../../errors.ts';
import { InvalidClusterCredentialsError, SecretsManagerAccess } from './cluster-access-secrets-manager.ts';

interface Seen {
  target: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  secretId: string;
}

/** secrets: SecretId → SecretString; `failWith` makes every call answer that error type with that status. */
class FakeSecretsManager {
  readonly secrets = new Map<string, string>();
  readonly seen: Seen[] = [];
  failWith: { status: number; type: string } | undefined;
  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
      const secretId = body.SecretId ?? '';
      this.seen.push({
        target: req.headers['x-amz-target'] as string | undefined,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        secretId,
      });
      const reply = (status: number, json: object, errorType?: string) => {
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(JSON.stringify(json));
      };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue')
        return reply(400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
      if (this.failWith)
        return reply(this.failWith.status, { __type: this.failWith.type, message: 'injected' }, this.failWith.type);
      const value = this.secrets.get(secretId);
      if (value === undefined) {
        return reply(
          400,
          { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." },
          'ResourceNotFoundException',
        );
      }
      reply(200, {
        ARN: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${secretId}-AbCdEf`,
        Name: secretId,
        SecretString: value,
        VersionId: 'v1',
        CreatedDate: 1_700_000_000,
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

const kubeconfig = (server: string, token: string, user: object = { token }): string =>
  YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': 'Zm9v' } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });

describe('SecretsManagerAccess', () => {
  const fake = new FakeSecretsManager();
  let client: SecretsManagerClient;
  let now = 1_000_000;
  let access: SecretsManagerAccess;

  before(async () => {
    const endpoint = await fake.start();
    // maxAttempts 1: the SDK's own retries would only slow the error cases down; the queue is the retry mechanism.
    client = new SecretsManagerClient({
      endpoint,
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
  });
  after(async () => {
    client.destroy();
    await fake.stop();
  });
  beforeEach(() => {
    fake.secrets.clear();
    fake.seen.length = 0;
    fake.failWith = undefined;
    access = new SecretsManagerAccess({
      prefix: 'redis-reconfigure/kubeconfig/',
      client,
      ttlMs: 300_000,
      now: () => now,
    });
  });

  it('reads <prefix><clusterId> with a signed GetSecretValue and serves it from cache within the TTL', async () => {
    fake.secrets.set('redis-reconfigure/kubeconfig/prod', kubeconfig('https://prod.example:6443', 't1'));
    const kc = await access.kubeConfigFor('prod');
    assert.equal(kc.getCurrentCluster()?.server, 'https://prod.example:6443');
    assert.equal(kc.getCurrentUser()?.token, 't1');
    assert.equal(fake.seen.length, 1);
    const seen = fake.seen[0]!;
    assert.equal(seen.target, 'secretsmanager.GetSecretValue');
    assert.equal(seen.contentType, 'application/x-amz-json-1.1');
    assert.equal(seen.secretId, 'redis-reconfigure/kubeconfig/prod');
    assert.match(
      seen.authorization ?? '',
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request/,
    );
    now += 299_999;
    const [a, b] = await Promise.all([access.kubeConfigFor('prod'), access.kubeConfigFor('prod')]);
    assert.equal(a, kc);
    assert.equal(b, kc);
    assert.equal(fake.seen.length, 1, 'no call within the TTL');
  });

  it('refetches after the TTL: same content → same KubeConfig instance; rotated → a new one', async () => {
    fake.secrets.set('redis-reconfigure/kubeconfig/prod', kubeconfig('https://prod.example:6443', 't1'));
    const first = await access.kubeConfigFor('prod');
    now += 300_000;
    const [second, third] = await Promise.all([access.kubeConfigFor('prod'), access.kubeConfigFor('prod')]);
    assert.equal(fake.seen.length, 2, 'concurrent callers share one refetch');
    assert.equal(second, first);
    assert.equal(third, first);
    fake.secrets.set('redis-reconfigure/kubeconfig/prod', kubeconfig('https://prod.example:6443', 't2'));
    now += 300_000;
    const rotated = await access.kubeConfigFor('prod');
    assert.notEqual(rotated, first);
    assert.equal(rotated.getCurrentUser()?.token, 't2');
  });

  it('ResourceNotFoundException → UnknownClusterError, also after a cached hit (a deleted cluster is not masked)', async () => {
    await assert.rejects(
      access.kubeConfigFor('ghost'),
      (err: Error) =>
        err instanceof UnknownClusterError &&
        /"ghost"/.test(err.message) &&
        /redis-reconfigure\/kubeconfig\/ghost/.test(err.message),
    );
    fake.secrets.set('redis-reconfigure/kubeconfig/prod', kubeconfig('https://prod.example:6443', 't1'));
    await access.kubeConfigFor('prod');
    fake.secrets.delete('redis-reconfigure/kubeconfig/prod');
    now += 300_000;
    await assert.rejects(access.kubeConfigFor('prod'), UnknownClusterError);
  });

  it('other errors → UnavailableError (retryable), no stale answer after the TTL, and recovery once the service answers', async () => {
    fake.secrets.set('redis-reconfigure/kubeconfig/prod', kubeconfig('https://prod.example:6443', 't1'));
    await access.kubeConfigFor('prod');
    now += 300_000;
    for (const failure of [
      { status: 500, type: 'InternalServiceError' },
      { status: 400, type: 'ThrottlingException' },
      { status: 400, type: 'AccessDeniedException' },
    ]) {
      fake.failWith = failure;
      await assert.rejects(
        access.kubeConfigFor('prod'),
        (err: Error) => err instanceof UnavailableError && err.message.includes(failure.type),
      );
    }
    fake.failWith = undefined;
    assert.equal((await access.kubeConfigFor('prod')).getCurrentUser()?.token, 't1');
  });

  it('a secret that is not a usable kubeconfig → InvalidClusterCredentialsError naming the secret', async () => {
    fake.secrets.set('redis-reconfigure/kubeconfig/a', '{ not: [yaml');
    fake.secrets.set(
      'redis-reconfigure/kubeconfig/b',
      kubeconfig('https://b.example', '', {
        exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token'] },
      }),
    );
    await assert.rejects(
      access.kubeConfigFor('a'),
      (err: Error) =>
        err instanceof InvalidClusterCredentialsError && err.message.includes('redis-reconfigure/kubeconfig/a'),
    );
    await assert.rejects(
      access.kubeConfigFor('b'),
      (err: Error) => err instanceof InvalidClusterCredentialsError && /exec plugin/.test(err.message),
    );
  });
});
