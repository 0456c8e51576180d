/**
 * The forwarder's /metrics is scrapeable (issue 13): the base ships a Service selecting the forwarder Pods on their
 * health port, and the optional kustomize Component adds a prometheus-operator ServiceMonitor for that Service.
 * Rendered by the real `kubectl kustomize`; the path is the one the health server answers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { find, K8S_DIR, render, requireKubectl, ROOT, type Manifest } from './manifests.ts';

interface ServiceSpec {
  type: string;
  selector: Record<string, string>;
  ports: Array<{ name: string; port: number; targetPort: string }>;
}
const COMPONENT = join(K8S_DIR, 'forwarder-components/servicemonitor');

function podTemplate(objs: Manifest[]) {
  return (
    find(objs, 'Deployment', 'forwarder').spec as {
      template: {
        metadata: { labels: Record<string, string> };
        spec: { containers: Array<{ ports: Array<{ name: string; containerPort: number }> }> };
      };
    }
  ).template;
}

describe('forwarder metrics: Service and optional ServiceMonitor', () => {
  let overlay: string;
  before(async () => {
    requireKubectl();
    overlay = await mkdtemp(join(tmpdir(), 'rr-servicemonitor-'));
    await writeFile(
      join(overlay, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        `  - ${relative(overlay, join(K8S_DIR, 'forwarder'))}`,
        'components:',
        `  - ${relative(overlay, COMPONENT)}`,
        '',
      ].join('\n'),
    );
  });
  after(() => rm(overlay, { recursive: true, force: true }));

  it('every variant has a ClusterIP Service selecting the forwarder Pods, its port on their health port', () => {
    for (const dir of ['forwarder', 'forwarder/namespaced', 'forwarder/base']) {
      const objs = render(join(K8S_DIR, dir));
      const service = find(objs, 'Service', 'forwarder-metrics');
      assert.equal(service.metadata.namespace, 'redis-reconfigure', dir);
      const spec = service.spec as ServiceSpec;
      assert.equal(spec.type, 'ClusterIP');
      const template = podTemplate(objs);
      for (const [k, v] of Object.entries(spec.selector)) assert.equal(template.metadata.labels[k], v, `${dir}: ${k}`);
      assert.equal(spec.selector['app.kubernetes.io/version'], undefined, 'no version in the selector');
      const [port] = spec.ports;
      assert.equal(port?.name, 'metrics');
      const health = template.spec.containers[0]?.ports.find((p) => p.name === port?.targetPort);
      assert.ok(health, `${dir}: targetPort ${port?.targetPort} is a named port of the container`);
      assert.equal(service.metadata.annotations?.['prometheus.io/port'], String(health.containerPort));
      assert.equal(service.metadata.annotations?.['prometheus.io/path'], '/metrics');
    }
  });

  it('the path scraped is the one the health server serves', () => {
    assert.match(readFileSync(join(ROOT, 'functions/forwarder/health-server.ts'), 'utf8'), /path === '\/metrics'/);
  });

  it('the Component adds a ServiceMonitor that selects exactly that Service, by its port name', () => {
    const objs = render(overlay);
    const monitor = find(objs, 'ServiceMonitor', 'redis-reconfigure-forwarder');
    assert.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
    const spec = monitor.spec as {
      namespaceSelector: { matchNames: string[] };
      selector: { matchLabels: Record<string, string> };
      endpoints: Array<{ port: string; path: string }>;
    };
    const services = objs.filter(
      (o) =>
        o.kind === 'Service' &&
        spec.namespaceSelector.matchNames.includes(o.metadata.namespace ?? '') &&
        Object.entries(spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
    );
    assert.deepEqual(
      services.map((s) => s.metadata.name),
      ['forwarder-metrics'],
    );
    assert.deepEqual(
      spec.endpoints.map((e) => [e.port, e.path]),
      [['metrics', '/metrics']],
    );
    assert.equal(spec.selector.matchLabels['app.kubernetes.io/version'], undefined, 'survives an upgrade');
    assert.equal(
      render(join(K8S_DIR, 'forwarder')).some((o) => o.kind === 'ServiceMonitor'),
      false,
      'not in the base: clusters without prometheus-operator have no such CRD',
    );
  });
});
