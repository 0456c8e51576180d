/**
 * The FleetRollout CRD (infra/k8s/fleet/crds) as a user meets it on the local API server, with the real kubectl:
 * apply the example, see the printer columns, patch the status subresource, and the schema refuses a wrong type.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { parseFleetRolloutSpec } from '../../shared/fleet/spec.ts';
import { raw, requireKubectl, runKubectl, startTestServer } from './helpers.ts';

const EXAMPLES = join(import.meta.dirname, '../../examples/fleet');

describe('FleetRollout CRD with kubectl', () => {
  let s: KubeApiServer;
  let dir: string;
  let kubeconfig: string;
  const ok = async (args: string[]): Promise<string> => {
    const r = await runKubectl(kubeconfig, dir, args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    requireKubectl();
    s = await startTestServer();
    dir = await mkdtemp(join(tmpdir(), 'fleet-crd-'));
    kubeconfig = join(dir, 'kubeconfig');
    await s.writeKubeconfig(kubeconfig);
  });
  after(async () => {
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies the examples; get shows Phase, Wave, Succeeded, Failed, Age; the spec parses', async () => {
    await ok(['apply', '-f', join(EXAMPLES, '00-namespace.yaml')]);
    await ok(['apply', '-f', join(EXAMPLES, '10-raise-maxclients.yaml'), '-f', join(EXAMPLES, '11-bad-value.yaml')]);
    const path = '/apis/fleet.redis-reconfigure.io/v1alpha1/namespaces/fleet/fleetrollouts/raise-maxclients';
    const status = { phase: 'Progressing', wave: '2/3', counts: { succeeded: 3, failed: 1 } };
    const patched = await raw(
      s,
      'PATCH',
      `${path}/status`,
      { status },
      { contentType: 'application/merge-patch+json' },
    );
    assert.equal(patched.status, 200, patched.text);
    const table = await ok(['get', 'frl', '-n', 'fleet']);
    const [header, ...rows] = table.trim().split('\n');
    assert.match(header ?? '', /^NAME\s+PHASE\s+WAVE\s+SUCCEEDED\s+FAILED\s+AGE$/);
    assert.ok(
      rows.some((r) => /^raise-maxclients\s+Progressing\s+2\/3\s+3\s+1\s+\S+$/.test(r)),
      table,
    );
    const stored = (await raw(s, 'GET', path)).json;
    const spec = parseFleetRolloutSpec(stored.spec);
    assert.equal(spec.strategy.soak, 30_000);
    assert.equal(spec.strategy.onFailure, 'rollback');
  });

  it('the schema refuses a wrong type, naming the field', async () => {
    const r = await runKubectl(
      kubeconfig,
      dir,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'fleet.redis-reconfigure.io/v1alpha1',
        kind: 'FleetRollout',
        metadata: { name: 'bad', namespace: 'fleet' },
        spec: { configuration: { removeCustomConfig: true }, strategy: { waveSize: 'ten' } },
      }),
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.strategy\.waveSize/);
  });
});
