/**
 * The per-cluster forwarder overlays docs/deploy.md §4 tells a user to copy: each renders with the real
 * `kubectl kustomize`, replaces the image and every per-cluster placeholder, gives the forwarder an AWS identity the
 * SDK's default credential chain picks up (IRSA annotation, keys from a Secret, or a projected web-identity token), is
 * accepted by the forwarder's own config parser, and keeps the base's locked-down Pod.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { before, describe, it } from 'node:test';
import { configFromEnv } from '../../functions/forwarder/config.ts';
import { find, K8S_DIR, type Manifest, render, requireKubectl, ROOT } from './manifests.ts';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/;
const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

interface Rendered {
  objs: Manifest[];
  sa: Manifest;
  pod: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a PodSpec, checked field by field
  container: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- idem
  env: Record<string, string>;
}

function renderForwarder(dir: string): Rendered {
  const objs = render(`${K8S_DIR}/${dir}`);
  const deployment = find(objs, 'Deployment', 'forwarder');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  // Downward-API values filled in as the kubelet would.
  const fieldValues: Record<string, string> = {
    'metadata.name': 'forwarder-abc',
    'metadata.namespace': 'redis-reconfigure',
  };
  const env = Object.fromEntries(
    (container.env as EnvVar[]).map((e) => [
      e.name,
      e.value ?? fieldValues[e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '',
    ]),
  );
  return { objs, sa: find(objs, 'ServiceAccount', 'forwarder'), pod, container, env };
}

const OVERLAYS = ['example-eks-irsa', 'example-access-keys', 'example-web-identity'].map(
  (name) => `forwarder-overlays/${name}`,
);

describe('forwarder overlays (docs/deploy.md §4)', () => {
  let base: Rendered;
  const rendered = new Map<string, Rendered>();
  before(() => {
    requireKubectl();
    base = renderForwarder('forwarder');
    for (const dir of OVERLAYS) rendered.set(dir, renderForwarder(dir));
  });

  it('each replaces the image and every per-cluster value, and its env is accepted by the forwarder', () => {
    for (const [dir, r] of rendered) {
      assert.notEqual(r.container.image, base.container.image, `${dir}: image`);
      assert.match(String(r.container.image), /\/redis-reconfigure-forwarder:[\w.-]+$/, `${dir}: a registry image`);
      for (const name of ['CLUSTER_ID', 'HALT_QUEUE_URL'])
        assert.notEqual(r.env[name], base.env[name], `${dir}: ${name} still the base placeholder`);
      assert.match(
        r.env.HALT_QUEUE_URL!,
        /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/\d{12}\/redis-reconfigure-[\w-]+-halt$/,
      );
      assert.equal(r.env.HALT_QUEUE_URL!.split('.')[1], r.env.AWS_REGION, `${dir}: AWS_REGION is the queue's region`);
      const config = configFromEnv(r.env, { podNamespace: () => undefined, defaultIdentity: () => 'unused' });
      assert.equal(config.clusterId, r.env.CLUSTER_ID);
    }
  });

  it('each keeps the base Pod locked down and its RBAC unchanged', () => {
    for (const [dir, r] of rendered) {
      assert.deepEqual(r.pod.securityContext, base.pod.securityContext, dir);
      assert.deepEqual(r.container.securityContext, base.container.securityContext, dir);
      assert.equal(r.pod.serviceAccountName, 'forwarder', dir);
      const rbac = (objs: Manifest[]) => objs.filter((o) => /Role/.test(o.kind)).map((o) => JSON.stringify(o));
      assert.deepEqual(rbac(r.objs), rbac(base.objs), dir);
    }
  });

  it('EKS: the ServiceAccount carries the IRSA role (the EKS webhook injects the web identity)', () => {
    const r = rendered.get('forwarder-overlays/example-eks-irsa')!;
    const arn = r.sa.metadata.annotations?.[IRSA_ANNOTATION] ?? '';
    assert.match(arn, ROLE_ARN);
    assert.notEqual(arn, base.sa.metadata.annotations?.[IRSA_ANNOTATION], 'not the base placeholder');
  });

  it('access keys: read from the Secret forwarder-aws-credentials; no IRSA annotation left behind', () => {
    const r = rendered.get('forwarder-overlays/example-access-keys')!;
    assert.equal(r.sa.metadata.annotations?.[IRSA_ANNOTATION], undefined);
    assert.deepEqual(r.container.envFrom, [{ secretRef: { name: 'forwarder-aws-credentials' } }]);
    assert.ok(!('AWS_ACCESS_KEY_ID' in r.env) && !('AWS_SECRET_ACCESS_KEY' in r.env), 'no key written in a manifest');
  });

  it('web identity: a read-only projected token for sts.amazonaws.com at AWS_WEB_IDENTITY_TOKEN_FILE, and AWS_ROLE_ARN', () => {
    const r = rendered.get('forwarder-overlays/example-web-identity')!;
    assert.equal(r.sa.metadata.annotations?.[IRSA_ANNOTATION], undefined);
    assert.match(r.env.AWS_ROLE_ARN!, ROLE_ARN);
    const file = r.env.AWS_WEB_IDENTITY_TOKEN_FILE!;
    const mount = (r.container.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[]).find(
      (m) => m.mountPath === posix.dirname(file),
    );
    assert.ok(mount?.readOnly, 'the token directory is mounted read-only');
    const volume = (r.pod.volumes as { name: string; projected?: { sources: object[] } }[]).find(
      (v) => v.name === mount.name,
    );
    const source = volume?.projected?.sources.find((s) => 'serviceAccountToken' in s) as
      { serviceAccountToken: { audience: string; path: string } } | undefined;
    assert.equal(source?.serviceAccountToken.audience, 'sts.amazonaws.com');
    assert.equal(source?.serviceAccountToken.path, posix.basename(file));
  });

  it('deploy.md names each overlay it asks the user to copy', () => {
    const guide = readFileSync(`${ROOT}/docs/deploy.md`, 'utf8');
    for (const dir of OVERLAYS) assert.ok(guide.includes(`infra/k8s/${dir}`), `deploy.md mentions infra/k8s/${dir}`);
  });
});
