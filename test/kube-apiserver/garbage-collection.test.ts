/** Garbage collection of dependents whose owners are gone, seen through @kubernetes/client-node (like a controller). */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, startTestServer } from './helpers.ts';

const NS = 'gc';

function clientFor(s: KubeApiServer): k8s.CoreV1Api {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(s.kubeconfig());
  return kc.makeApiClient(k8s.CoreV1Api);
}

async function exists(core: k8s.CoreV1Api, name: string): Promise<boolean> {
  try {
    await core.readNamespacedSecret({ namespace: NS, name });
    return true;
  } catch (err) {
    if (err instanceof k8s.ApiException && err.code === 404) return false;
    throw err;
  }
}

const refTo = (cm: k8s.V1ConfigMap): k8s.V1OwnerReference => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: cm.metadata!.name!,
  uid: cm.metadata!.uid!,
});

void describe('garbage collection of dependents with absent owners', () => {
  let s: KubeApiServer;
  let core: k8s.CoreV1Api;
  before(async () => {
    s = await startTestServer();
    await ensureNamespace(s, NS);
    core = clientFor(s);
  });
  after(async () => s.stop());

  const ownerCm = (name: string) => core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name } } });
  const dependent = (name: string, ownerReferences: k8s.V1OwnerReference[]) =>
    core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name, ownerReferences }, stringData: { a: 'b' } },
    });

  void it('collects a dependent created after its owner was deleted (a controller acting on a stale cache)', async () => {
    const owner = await ownerCm('gone-owner');
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'gone-owner' });
    await dependent('late-child', [refTo(owner)]);
    await eventually(async () => !(await exists(core, 'late-child')), 'late dependent collected');
  });

  void it('treats an owner re-created under the same name (new uid) as absent', async () => {
    const first = await ownerCm('reborn');
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'reborn' });
    await ownerCm('reborn');
    await dependent('of-first-incarnation', [refTo(first)]);
    await eventually(async () => !(await exists(core, 'of-first-incarnation')), 'dependent of the old uid collected');
  });

  void it('keeps a dependent with a live owner and drops only the dangling reference', async () => {
    const live = await ownerCm('live-owner');
    const dead = await ownerCm('dead-owner');
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'dead-owner' });
    await dependent('two-owners', [refTo(live), refTo(dead)]);
    const refs = await eventually(async () => {
      const got = await core.readNamespacedSecret({ namespace: NS, name: 'two-owners' });
      const now = got.metadata?.ownerReferences ?? [];
      return now.length === 1 ? now : undefined;
    }, 'dangling reference dropped');
    assert.deepEqual(
      refs!.map((r) => r.uid),
      [live.metadata!.uid],
    );
  });

  void it('leaves dependents of kinds it cannot resolve alone, as the real GC does', async () => {
    const unknownOwner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'no-such-uid' };
    await dependent('unresolvable-owner', [unknownOwner]);
    // A dangling dependent written afterwards is collected in the same or a later GC pass than the one above.
    const owner = await ownerCm('marker-owner');
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'marker-owner' });
    await dependent('marker', [refTo(owner)]);
    await eventually(async () => !(await exists(core, 'marker')), 'marker collected');
    assert.ok(await exists(core, 'unresolvable-owner'));
  });
});

void describe('garbage collection sweep at startup', () => {
  void it('collects dependents whose owners disappeared from the persisted state', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'kube-gc-'));
    try {
      const a = await startTestServer({ stateDir });
      await ensureNamespace(a, NS);
      const coreA = clientFor(a);
      const owner = await coreA.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: 'persisted-owner' } },
      });
      await coreA.createNamespacedSecret({
        namespace: NS,
        body: { metadata: { name: 'persisted-child', ownerReferences: [refTo(owner)] } },
      });
      await a.stop();
      // The owner vanishes from the snapshot without a DELETED event (e.g. state written by an older version).
      const file = join(stateDir, 'objects.json');
      const snap = JSON.parse(await readFile(file, 'utf8')) as { objects: { obj: { metadata: { name?: string } } }[] };
      snap.objects = snap.objects.filter((o) => o.obj.metadata.name !== 'persisted-owner');
      await writeFile(file, JSON.stringify(snap));
      const b = await startTestServer({ stateDir });
      try {
        await eventually(
          async () => !(await exists(clientFor(b), 'persisted-child')),
          'dependent collected by the startup sweep',
        );
      } finally {
        await b.stop();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
