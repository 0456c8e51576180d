/**
 * The forwarder's kustomize base is versioned: rendered by the real `kubectl kustomize`, its image tag and the
 * app.kubernetes.io/version label on every object are the release in package.json, selectors stay unversioned
 * (immutable on a Deployment), and an overlay's `images:` entry alone sets another registry and tag.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { find, K8S_DIR, render, requireKubectl, ROOT } from './manifests.ts';

const BASE = join(K8S_DIR, 'forwarder/base');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const container = (objs: ReturnType<typeof render>) =>
  (find(objs, 'Deployment', 'forwarder').spec as { template: { spec: { containers: Array<{ image: string }> } } })
    .template.spec.containers[0];

describe('the forwarder kustomize base is versioned', () => {
  before(requireKubectl);

  it(`renders image tag and version label ${version} (package.json), selectors without it`, () => {
    for (const dir of [BASE, join(K8S_DIR, 'forwarder'), join(K8S_DIR, 'forwarder/namespaced')]) {
      const objs = render(dir);
      assert.equal(container(objs)?.image, `redis-reconfigure-forwarder:${version}`, dir);
      // The base's own objects; the wrappers add only their watch bindings (unversioned, like any binding they add).
      for (const o of objs.filter((x) => !/Binding$/.test(x.kind) || dir === BASE))
        assert.equal(o.metadata.labels?.['app.kubernetes.io/version'], version, `${o.kind}/${o.metadata.name}`);
      const deployment = find(objs, 'Deployment', 'forwarder').spec as {
        selector: { matchLabels: Record<string, string> };
        template: { metadata: { labels: Record<string, string> } };
      };
      assert.equal(deployment.selector.matchLabels['app.kubernetes.io/version'], undefined);
      assert.equal(deployment.template.metadata.labels['app.kubernetes.io/version'], version);
      const pdb = find(objs, 'PodDisruptionBudget', 'forwarder').spec as {
        selector: { matchLabels: Record<string, string> };
      };
      assert.equal(pdb.selector.matchLabels['app.kubernetes.io/version'], undefined);
    }
  });

  describe('an overlay sets the image with images: alone', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rr-overlay-'));
      // kustomize refuses absolute resource paths: the base is named relative to the overlay.
      await writeFile(
        join(dir, 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'resources:',
          `  - ${relative(dir, join(K8S_DIR, 'forwarder'))}`,
          'images:',
          '  - name: redis-reconfigure-forwarder',
          '    newName: registry.example.com/team/redis-reconfigure-forwarder',
          '    newTag: 9.8.7',
          '',
        ].join('\n'),
      );
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('registry and tag replaced, nothing else about the Deployment changed', () => {
      const base = render(join(K8S_DIR, 'forwarder'));
      const objs = render(dir);
      assert.equal(container(objs)?.image, 'registry.example.com/team/redis-reconfigure-forwarder:9.8.7');
      const strip = (o: ReturnType<typeof render>) => {
        const d = structuredClone(find(o, 'Deployment', 'forwarder'));
        (
          d.spec as { template: { spec: { containers: Array<{ image?: string }> } } }
        ).template.spec.containers[0]!.image = '';
        return d;
      };
      assert.deepEqual(strip(objs), strip(base));
    });
  });
});
