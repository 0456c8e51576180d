/**
 * `kubectl explain` (1.32, OpenAPI v3) against the local server: it finds the CRD's schema in
 * /openapi/v3/apis/<group>/<version> by x-kubernetes-group-version-kind and renders fields and descriptions.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { raw, requireKubectl, runKubectl, startTestServer } from './helpers.ts';

void describe('kubectl explain', () => {
  let s: KubeApiServer;
  let dir: string;
  let kubeconfig: string;
  const explain = async (...args: string[]) => {
    const r = await runKubectl(kubeconfig, dir, ['explain', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  before(async () => {
    requireKubectl();
    dir = await mkdtemp(join(tmpdir(), 'explain-'));
    s = await startTestServer();
    kubeconfig = join(dir, 'kubeconfig');
    await s.writeKubeconfig(kubeconfig);
  });
  after(async () => {
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  });

  void it('publishes CRD schemas in OpenAPI v3 with their group-version-kind', async () => {
    const root = await raw(s, 'GET', '/openapi/v3');
    const url = root.json.paths['apis/ops.kubedb.com/v1alpha1'].serverRelativeURL as string;
    const doc = (await raw(s, 'GET', url)).json;
    const schema = doc.components.schemas['com.kubedb.ops.v1alpha1.RedisOpsRequest'];
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [
      { group: 'ops.kubedb.com', kind: 'RedisOpsRequest', version: 'v1alpha1' },
    ]);
    assert.ok(schema.properties.spec.properties.configuration);
  });

  void it('explains redisopsrequest.spec and redisopsrequest.spec.configuration', async () => {
    const spec = await explain('redisopsrequest.spec');
    assert.match(spec, /^GROUP:\s+ops\.kubedb\.com$/m);
    assert.match(spec, /^KIND:\s+RedisOpsRequest$/m);
    assert.match(spec, /^VERSION:\s+v1alpha1$/m);
    assert.match(spec, /^FIELD: spec <Object>$/m);
    for (const field of ['configuration\t<Object>', 'databaseRef\t<Object> -required-', 'type\t<string> -required-'])
      assert.ok(spec.includes(field), `${field} in:\n${spec}`);
    const configuration = await explain('redisopsrequest.spec.configuration');
    assert.match(configuration, /^FIELD: configuration <Object>$/m);
    for (const field of ['applyConfig\t<map[string]string>', 'configSecret\t<Object>', 'removeCustomConfig\t<boolean>'])
      assert.ok(configuration.includes(field), `${field} in:\n${configuration}`);
  });

  void it('shows the descriptions the CRDs carry (PetSet) and the standard type-meta ones', async () => {
    const petset = await explain('petsets.apps.k8s.appscode.com');
    assert.match(petset, /PetSet represents a set of pods with consistent identities\./);
    assert.match(petset, /APIVersion defines the versioned schema of this representation of an object\./);
    const replicas = await explain('petsets.spec.replicas');
    assert.match(replicas, /^FIELD: replicas <integer>$/m);
    assert.match(replicas, /replicas is the desired number of replicas/i);
  });
});
