/** clusterAccessFromEnv: mode selection, validation errors that name the variable, UnknownClusterError in every mode. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { UnknownClusterError } from '../../errors.ts';
import { KubeconfigDirAccess } from './cluster-access.ts';
import { EksTokenAccess } from './cluster-access-eks.ts';
import { MisconfigurationError as ClusterAccessConfigError } from '../../errors.ts';
import { clusterAccessFromEnv } from './cluster-access-from-env.ts';
import { SecretsManagerAccess } from './cluster-access-secrets-manager.ts';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
const prod = {
  endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
  caData: CA,
  eksClusterName: 'prod-eu',
  region: 'eu-west-1',
};
const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

function configError(pattern: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof ClusterAccessConfigError && pattern.test(err.message);
}

describe('clusterAccessFromEnv', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cluster-access-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('defaults to kubeconfig-dir; an unknown cluster is UnknownClusterError', async () => {
    assert.ok(clusterAccessFromEnv({}) instanceof KubeconfigDirAccess);
    const access = clusterAccessFromEnv({ CLUSTER_ACCESS: 'kubeconfig-dir', KUBECONFIG_DIR: dir });
    await assert.rejects(access.kubeConfigFor('nope'), UnknownClusterError);
  });

  it('eks: CLUSTERS_CONFIG is validated; unknown cluster is UnknownClusterError', async () => {
    const access = clusterAccessFromEnv(
      { CLUSTER_ACCESS: 'eks', CLUSTERS_CONFIG: JSON.stringify({ prod }) },
      { credentials },
    );
    assert.ok(access instanceof EksTokenAccess);
    assert.equal((await access.kubeConfigFor('prod')).getCurrentCluster()?.server, prod.endpoint);
    await assert.rejects(access.kubeConfigFor('staging'), UnknownClusterError);
  });

  it('eks: a cluster may be given by EKS name and region only (endpoint and CA then come from eks:DescribeCluster)', async () => {
    const access = clusterAccessFromEnv(
      {
        CLUSTER_ACCESS: 'eks',
        CLUSTERS_CONFIG: JSON.stringify({ 'prod-eu': { eksClusterName: 'prod-eu', region: 'eu-west-1' } }),
      },
      { credentials },
    );
    assert.ok(access instanceof EksTokenAccess);
    await assert.rejects(access.kubeConfigFor('staging'), UnknownClusterError);
  });

  it('secrets-manager: prefix and TTL', async () => {
    const client = new SecretsManagerClient({ region: 'eu-west-1', credentials });
    try {
      const access = clusterAccessFromEnv(
        { CLUSTER_ACCESS: 'secrets-manager', KUBECONFIG_SECRET_PREFIX: 'rr/kubeconfig/' },
        { secretsManager: client },
      );
      assert.ok(access instanceof SecretsManagerAccess);
      assert.equal(access.secretIdFor('prod'), 'rr/kubeconfig/prod');
    } finally {
      client.destroy();
    }
  });

  it('errors name the variable and the field', () => {
    assert.throws(() => clusterAccessFromEnv({ CLUSTER_ACCESS: 'gke' }), configError(/CLUSTER_ACCESS: /));
    assert.throws(() => clusterAccessFromEnv({ CLUSTER_ACCESS: 'eks' }), configError(/CLUSTERS_CONFIG: /));
    assert.throws(
      () => clusterAccessFromEnv({ CLUSTER_ACCESS: 'eks', CLUSTERS_CONFIG: '{prod:' }),
      configError(/CLUSTERS_CONFIG: must be JSON/),
    );
    assert.throws(
      () => clusterAccessFromEnv({ CLUSTER_ACCESS: 'eks', CLUSTERS_CONFIG: '{}' }),
      configError(/CLUSTERS_CONFIG: must name at least one cluster/),
    );
    const bad = { prod: { ...prod, endpoint: 'http://plain.example', region: 'Europe' } };
    assert.throws(
      () => clusterAccessFromEnv({ CLUSTER_ACCESS: 'eks', CLUSTERS_CONFIG: JSON.stringify(bad) }),
      configError(
        /CLUSTERS_CONFIG\.prod\.endpoint: must be an https:\/\/ URL.*CLUSTERS_CONFIG\.prod\.region: must be an AWS region/,
      ),
    );
    assert.throws(
      () =>
        clusterAccessFromEnv({
          CLUSTER_ACCESS: 'eks',
          CLUSTERS_CONFIG: JSON.stringify({ prod: { ...prod, caData: 'bm90IGEgY2VydA==' } }),
        }),
      configError(/CLUSTERS_CONFIG\.prod\.caData: must be the base64 of a PEM certificate/),
    );
    assert.throws(
      () =>
        clusterAccessFromEnv({
          CLUSTER_ACCESS: 'eks',
          CLUSTERS_CONFIG: JSON.stringify({ prod: { ...prod, extra: 1 } }),
        }),
      configError(/CLUSTERS_CONFIG\.prod: .*extra/),
    );
    const { caData: _caData, ...endpointOnly } = prod;
    assert.throws(
      () => clusterAccessFromEnv({ CLUSTER_ACCESS: 'eks', CLUSTERS_CONFIG: JSON.stringify({ prod: endpointOnly }) }),
      configError(/CLUSTERS_CONFIG\.prod: give both endpoint and caData, or neither/),
    );
    assert.throws(
      () => clusterAccessFromEnv({ CLUSTER_ACCESS: 'secrets-manager' }),
      configError(/KUBECONFIG_SECRET_PREFIX: /),
    );
    assert.throws(
      () =>
        clusterAccessFromEnv({
          CLUSTER_ACCESS: 'secrets-manager',
          KUBECONFIG_SECRET_PREFIX: 'p/',
          KUBECONFIG_SECRET_TTL_SECONDS: '0',
        }),
      configError(/KUBECONFIG_SECRET_TTL_SECONDS: /),
    );
  });
});
