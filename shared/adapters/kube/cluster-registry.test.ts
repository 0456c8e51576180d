/**
 * The cluster registries: the kubeconfig directory (ids from `<id>.kubeconfig`, labels from `<id>.labels.json`) and
 * Secrets Manager with the real SDK client against a tiny server speaking its protocol (ListSecrets, paginated).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MisconfigurationError, UnavailableError } from '../../errors.ts';
import { KubeconfigDirRegistry } from './cluster-registry.ts';
import { clusterRegistryFromEnv } from './cluster-registry-from-env.ts';
import { SecretsManagerRegistry } from './cluster-registry-secrets-manager.ts';

describe('KubeconfigDirRegistry', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cluster-registry-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('lists every <id>.kubeconfig with its labels; a new file is a new cluster, no restart', async () => {
    const registry = new KubeconfigDirRegistry(dir);
    assert.deepEqual(await registry.list(), []);
    await writeFile(join(dir, 'c2.kubeconfig'), 'x');
    await writeFile(join(dir, 'c1.kubeconfig'), 'x');
    await writeFile(join(dir, 'c1.labels.json'), JSON.stringify({ env: 'prod', region: 'eu' }));
    await writeFile(join(dir, 'notes.txt'), 'not a cluster');
    assert.deepEqual(await registry.list(), [
      { id: 'c1', labels: { env: 'prod', region: 'eu' } },
      { id: 'c2', labels: {} },
    ]);
    await writeFile(join(dir, 'c3.kubeconfig'), 'x');
    assert.deepEqual(
      (await registry.list()).map((c) => c.id),
      ['c1', 'c2', 'c3'],
    );
  });

  it('a malformed labels file is a misconfiguration naming the file (never a half-read selection)', async () => {
    await writeFile(join(dir, 'c2.labels.json'), JSON.stringify({ env: 1 }));
    await assert.rejects(new KubeconfigDirRegistry(dir).list(), (err: Error) => {
      assert.ok(err instanceof MisconfigurationError);
      assert.match(err.message, /c2\.labels\.json: label "env" must be a string/);
      return true;
    });
  });

  it('a missing directory is an empty registry', async () => {
    assert.deepEqual(await new KubeconfigDirRegistry(join(dir, 'nope')).list(), []);
  });
});

describe('SecretsManagerRegistry', () => {
  const secrets = [
    {
      Name: 'rr/clusters/prod-eu',
      Tags: [
        { Key: 'env', Value: 'prod' },
        { Key: 'aws:cloudformation:stack-name', Value: 's' },
      ],
    },
    { Name: 'rr/clusters/prod-us', Tags: [{ Key: 'env', Value: 'prod' }] },
    { Name: 'other/rr/clusters/x', Tags: [] },
    { Name: 'rr/clusters/staging', Tags: [] },
  ];
  let failing = false;
  const targets: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { NextToken?: string; Filters?: unknown };
      targets.push(String(req.headers['x-amz-target']));
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (failing) {
        res.writeHead(400, { 'x-amzn-errortype': 'AccessDeniedException' });
        res.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'no' }));
        return;
      }
      // Two pages, as Secrets Manager paginates ListSecrets.
      const page = body.NextToken === 'p2' ? secrets.slice(2) : secrets.slice(0, 2);
      res.end(JSON.stringify({ SecretList: page, ...(body.NextToken === undefined ? { NextToken: 'p2' } : {}) }));
    });
  });
  let client: SecretsManagerClient;
  before(async () => {
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    client = new SecretsManagerClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
  });
  after(async () => {
    client.destroy();
    await new Promise((ok) => server.close(ok));
  });

  it('every secret under the prefix is a cluster, its tags (not aws:*) its labels, over every page', async () => {
    const registry = new SecretsManagerRegistry({ prefix: 'rr/clusters/', client });
    assert.deepEqual(await registry.list(), [
      { id: 'prod-eu', labels: { env: 'prod' } },
      { id: 'prod-us', labels: { env: 'prod' } },
      { id: 'staging', labels: {} },
    ]);
    assert.deepEqual(targets, ['secretsmanager.ListSecrets', 'secretsmanager.ListSecrets']);
  });

  it('a failure is UnavailableError (retried by SQS)', async () => {
    failing = true;
    await assert.rejects(new SecretsManagerRegistry({ prefix: 'rr/clusters/', client }).list(), UnavailableError);
    failing = false;
  });

  it('is chosen from the same variables as the cluster access', () => {
    assert.ok(clusterRegistryFromEnv({}) instanceof KubeconfigDirRegistry);
    assert.ok(
      clusterRegistryFromEnv({ CLUSTER_ACCESS: 'secrets-manager', KUBECONFIG_SECRET_PREFIX: 'rr/' }) instanceof
        SecretsManagerRegistry,
    );
    assert.throws(() => clusterRegistryFromEnv({ CLUSTER_ACCESS: 'eks' }), /CLUSTER_REGISTRY_SECRET_PREFIX: required/);
  });
});
