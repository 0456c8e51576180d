/* eslint-disable @typescript-eslint/no-unsafe-argument -- API JSON is checked by the assertions */
/** A created pod carries what kube-apiserver 1.32's defaulting and admission plugins add, and no metadata.generation. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, raw, startTestServer } from './helpers.ts';

const PODS = '/api/v1/namespaces/pd/pods';
const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

void describe('pod defaults (scheme defaulting + Priority, DefaultTolerationSeconds, ServiceAccount admission)', () => {
  let s: KubeApiServer;
  before(async () => {
    s = await startTestServer();
    await ensureNamespace(s, 'pd');
  });
  after(async () => s.stop());

  void it('defaults containers, the pod spec, tolerations and the service-account token volume', async () => {
    const r = await raw(s, 'POST', PODS, {
      metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'init', image: 'busybox' }],
        containers: [
          {
            name: 'redis',
            image: 'redis:7.2.4',
            ports: [{ containerPort: 6379 }],
            readinessProbe: { exec: { command: ['redis-cli', 'ping'] } },
            livenessProbe: { httpGet: { port: 8080 } },
          },
          { name: 'exporter', image: 'registry.local:5000/exporter', resources: { limits: { cpu: '1' } } },
        ],
      },
    });
    assert.equal(r.status, 201, r.text);
    const pod = r.json;
    assert.equal(pod.metadata.generation, undefined, 'pods have no generation in 1.32');
    const { spec } = pod;
    const [init, redis, exporter] = [spec.initContainers[0], spec.containers[0], spec.containers[1]];
    assert.equal(init.imagePullPolicy, 'Always'); // no tag = latest
    assert.equal(redis.imagePullPolicy, 'IfNotPresent');
    assert.equal(exporter.imagePullPolicy, 'Always'); // a registry port is not a tag
    for (const c of [init, redis, exporter]) {
      assert.equal(c.terminationMessagePath, '/dev/termination-log');
      assert.equal(c.terminationMessagePolicy, 'File');
    }
    assert.deepEqual(redis.resources, {});
    assert.deepEqual(exporter.resources, { limits: { cpu: '1' }, requests: { cpu: '1' } });
    assert.deepEqual(redis.ports, [{ containerPort: 6379, protocol: 'TCP' }]);
    assert.deepEqual(redis.readinessProbe, {
      exec: { command: ['redis-cli', 'ping'] },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    assert.deepEqual(redis.livenessProbe.httpGet, { port: 8080, path: '/', scheme: 'HTTP' });
    const podFields = Object.fromEntries(
      [
        'restartPolicy',
        'dnsPolicy',
        'schedulerName',
        'securityContext',
        'terminationGracePeriodSeconds',
        'serviceAccountName',
        'serviceAccount',
        'enableServiceLinks',
        'preemptionPolicy',
        'priority',
      ].map((k) => [k, spec[k]]),
    );
    assert.deepEqual(podFields, {
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
    });
    assert.deepEqual(spec.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    assert.equal(spec.volumes.length, 1);
    const volume = spec.volumes[0];
    assert.match(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    });
    for (const c of [init, redis, exporter])
      assert.deepEqual(c.volumeMounts, [{ name: volume.name, readOnly: true, mountPath: TOKEN_PATH }]);
    assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'Burstable' });
  });

  void it('keeps explicit values, skips the token volume when automount is off (pod or ServiceAccount)', async () => {
    await raw(s, 'POST', '/api/v1/namespaces/pd/serviceaccounts', {
      metadata: { name: 'quiet' },
      automountServiceAccountToken: false,
    });
    const r = await raw(s, 'POST', PODS, {
      metadata: { name: 'q' },
      spec: {
        serviceAccountName: 'quiet',
        restartPolicy: 'Never',
        tolerations: [{ operator: 'Exists' }],
        volumes: [{ name: 'cfg', secret: { secretName: 'x' } }],
        containers: [{ name: 'c', image: 'redis@sha256:abc', imagePullPolicy: 'Never' }],
      },
    });
    assert.equal(r.status, 201, r.text);
    const { spec } = r.json;
    assert.equal(spec.restartPolicy, 'Never');
    assert.equal(spec.serviceAccount, 'quiet');
    assert.equal(spec.containers[0].imagePullPolicy, 'Never');
    assert.deepEqual(spec.tolerations, [{ operator: 'Exists' }], 'already tolerates every taint');
    assert.deepEqual(spec.volumes, [{ name: 'cfg', secret: { secretName: 'x', defaultMode: 420 } }]);
    assert.equal(spec.containers[0].volumeMounts, undefined);
    const own = await raw(s, 'POST', PODS, {
      metadata: { name: 'o' },
      spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'redis:7' }] },
    });
    assert.equal(own.json.spec.volumes, undefined);
  });
});
