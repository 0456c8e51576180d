/**
 * Static checks of infra/k8s: every file parses and is part of a kustomization that `kubectl kustomize` renders; the
 * forwarder Deployment's security and availability properties; its env is accepted by the forwarder's own config
 * parser; the Dockerfile builds a non-root image from the bundle alone.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import YAML from 'yaml';
import { configFromEnv } from '../../functions/forwarder/config.ts';
import {
  find,
  K8S_DIR,
  kustomizationDirs,
  type Manifest,
  rel,
  render,
  requireKubectl,
  ROOT,
  yamlFiles,
} from './manifests.ts';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

describe('infra/k8s manifests', () => {
  before(() => requireKubectl());

  it('every YAML file parses, and every manifest belongs to the kustomization of its directory', () => {
    const files = yamlFiles();
    assert.ok(files.length >= 10, `found only ${files.length} YAML files`);
    for (const { file, docs } of files) {
      if (file.endsWith('/kustomization.yaml')) continue;
      for (const doc of docs as Manifest[]) {
        assert.ok(doc.apiVersion && doc.kind && doc.metadata?.name, `${rel(file)}: apiVersion, kind and metadata.name`);
      }
      const kustomization = join(dirname(file), 'kustomization.yaml');
      assert.ok(existsSync(kustomization), `${rel(file)}: no kustomization.yaml beside it`);
      const { resources } = YAML.parse(readFileSync(kustomization, 'utf8')) as { resources: string[] };
      assert.ok(
        resources.includes(file.slice(dirname(file).length + 1)),
        `${rel(file)} is not listed in ${rel(kustomization)}`,
      );
    }
  });

  it('every kustomization renders, with no wildcard anywhere in RBAC', () => {
    const dirs = kustomizationDirs();
    assert.deepEqual(dirs.map(rel).sort(), [
      'infra/k8s/fleet/crds',
      'infra/k8s/fleet/hub',
      'infra/k8s/fleet/member',
      'infra/k8s/forwarder',
      'infra/k8s/forwarder-components/servicemonitor',
      'infra/k8s/forwarder-overlays/example-access-keys',
      'infra/k8s/forwarder-overlays/example-eks-irsa',
      'infra/k8s/forwarder-overlays/example-web-identity',
      'infra/k8s/forwarder/base',
      'infra/k8s/forwarder/namespaced',
      'infra/k8s/functions-rbac',
      'infra/k8s/functions-rbac/base',
      'infra/k8s/functions-rbac/namespaced',
    ]);
    // A Component renders only as part of an overlay (metrics-service.test.ts renders it so).
    for (const dir of dirs.filter(
      (d) => !/^kind: Component$/m.test(readFileSync(join(d, 'kustomization.yaml'), 'utf8')),
    )) {
      for (const o of render(dir)) {
        for (const r of o.rules ?? []) {
          for (const field of [r.apiGroups, r.resources, r.verbs, r.resourceNames, r.nonResourceURLs]) {
            assert.ok(
              !(field ?? []).some((v) => v.includes('*')),
              `${rel(dir)}: ${o.kind} ${o.metadata.name} has a wildcard: ${JSON.stringify(r)}`,
            );
          }
          assert.equal(r.nonResourceURLs, undefined, `${o.kind} ${o.metadata.name}: no non-resource URLs`);
        }
      }
    }
  });

  it('crds/ points at infra/crds instead of copying the CRDs', () => {
    const entries = readdirSync(join(K8S_DIR, 'crds'));
    assert.deepEqual(entries, ['README.md']);
    assert.match(readFileSync(join(K8S_DIR, 'crds/README.md'), 'utf8'), /kubectl apply --server-side -f infra\/crds\//);
  });
});

describe('forwarder Deployment', () => {
  let objs: Manifest[];
  let dep: Manifest;
  let env: Map<string, EnvVar>;
  before(() => {
    objs = render(join(K8S_DIR, 'forwarder'));
    dep = find(objs, 'Deployment', 'forwarder');
    env = new Map((dep.spec.template.spec.containers[0].env as EnvVar[]).map((e) => [e.name, e]));
  });

  it('runs two replicas in redis-reconfigure as ServiceAccount forwarder, spread over nodes, guarded by a PDB', () => {
    assert.equal(dep.metadata.namespace, 'redis-reconfigure');
    assert.equal(dep.spec.replicas, 2);
    assert.equal(dep.spec.template.spec.serviceAccountName, 'forwarder');
    assert.equal(dep.spec.strategy.rollingUpdate.maxUnavailable, 0);
    const anti =
      dep.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]
        .podAffinityTerm;
    assert.equal(anti.topologyKey, 'kubernetes.io/hostname');
    const pdb = find(objs, 'PodDisruptionBudget', 'forwarder');
    assert.deepEqual(pdb.spec.selector.matchLabels, dep.spec.selector.matchLabels);
    assert.deepEqual(dep.spec.template.metadata.labels, {
      ...dep.spec.template.metadata.labels,
      ...dep.spec.selector.matchLabels,
    });
    const sa = find(objs, 'ServiceAccount', 'forwarder');
    assert.match(
      sa.metadata.annotations?.['eks.amazonaws.com/role-arn'] ?? '',
      /^arn:aws:iam::\d{12}:role\//,
      'IRSA placeholder',
    );
    assert.equal(
      find(objs, 'Namespace', 'redis-reconfigure').metadata.labels?.['pod-security.kubernetes.io/enforce'],
      'restricted',
    );
  });

  it('is locked down: non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    const pod = dep.spec.template.spec;
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
    assert.equal(pod.hostNetwork ?? false, false);
    for (const c of pod.containers) {
      assert.equal(c.securityContext.allowPrivilegeEscalation, false);
      assert.equal(c.securityContext.readOnlyRootFilesystem, true);
      assert.equal(c.securityContext.privileged ?? false, false);
      assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
      assert.ok(
        c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory,
        'requests and a memory limit',
      );
    }
  });

  it('probes /healthz (liveness) and /readyz (readiness) on the health port, which listens on all interfaces', () => {
    const c = dep.spec.template.spec.containers[0];
    const ports = c.ports as Array<{ name: string; containerPort: number }>;
    const port = ports.find((p) => p.name === 'health');
    assert.equal(String(port?.containerPort), env.get('HEALTH_PORT')?.value);
    assert.equal(env.get('HEALTH_HOST')?.value, '0.0.0.0');
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'health' });
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'health' });
  });

  it('gives the drain time to finish: terminationGracePeriodSeconds ≥ DRAIN_TIMEOUT_SECONDS + 10 s', () => {
    const drain = Number(env.get('DRAIN_TIMEOUT_SECONDS')?.value ?? 10);
    assert.ok(dep.spec.template.spec.terminationGracePeriodSeconds >= drain + 10);
  });

  it('its env is accepted by the forwarder config parser (downward API values filled in as the kubelet would)', () => {
    for (const name of [
      'CLUSTER_ID',
      'HALT_QUEUE_URL',
      'AWS_REGION',
      'HEALTH_HOST',
      'POD_NAME',
      'POD_NAMESPACE',
      'LEASE_NAMESPACE',
    ]) {
      assert.ok(env.has(name), `env ${name}`);
    }
    const fieldValues: Record<string, string> = {
      'metadata.name': 'forwarder-7d9f-abcde',
      'metadata.namespace': dep.metadata.namespace ?? '',
    };
    const asEnv = Object.fromEntries(
      [...env.values()].map((e) => [e.name, e.value ?? fieldValues[e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '']),
    );
    assert.equal(asEnv.POD_NAME, 'forwarder-7d9f-abcde');
    const config = configFromEnv(asEnv, { podNamespace: () => undefined, defaultIdentity: () => 'unused' });
    assert.equal(config.leaderElection, true);
    assert.equal(config.identity, 'forwarder-7d9f-abcde');
    assert.equal(config.leaseNamespace, 'redis-reconfigure');
    assert.equal(config.healthHost, '0.0.0.0');
    assert.deepEqual(config.watchNamespaces, []);
    const leaseRole = find(objs, 'Role', 'redis-reconfigure-forwarder-leader-election');
    assert.equal(leaseRole.metadata.namespace, config.leaseNamespace);
    assert.ok(
      leaseRole.rules?.some((r) => r.resourceNames?.includes(config.leaseName)),
      'the Lease role names the Lease the forwarder uses',
    );
  });

  it('namespaced variant: WATCH_NAMESPACES lists exactly the namespaces with a watch RoleBinding, and nothing is bound cluster-wide', () => {
    const ns = render(join(K8S_DIR, 'forwarder/namespaced'));
    const d = find(ns, 'Deployment', 'forwarder');
    const watch =
      (d.spec.template.spec.containers[0].env as EnvVar[]).find((e) => e.name === 'WATCH_NAMESPACES')?.value ?? '';
    const bound = ns
      .filter((o) => o.kind === 'RoleBinding' && o.roleRef?.name === 'redis-reconfigure-forwarder')
      .map((o) => o.metadata.namespace);
    assert.deepEqual(watch.split(',').sort(), bound.sort());
    assert.equal(ns.filter((o) => o.kind === 'ClusterRoleBinding').length, 0);
  });
});

describe('forwarder Dockerfile', () => {
  const dockerfile = readFileSync(join(K8S_DIR, 'forwarder/Dockerfile'), 'utf8');
  const instructions = dockerfile
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const named = (op: string) => instructions.filter((l) => l.toUpperCase().startsWith(`${op} `));

  it('builds on a Node 24 base, copies only the bundle, runs as a numeric non-root user, node as PID 1', () => {
    assert.equal(named('FROM').length, 1);
    assert.match(
      named('FROM')[0]!,
      /^FROM (node:24-slim|gcr\.io\/distroless\/nodejs24-debian\d+)(@sha256:[0-9a-f]{64})?(:nonroot)?$/,
    );
    assert.deepEqual(named('ADD'), []);
    assert.deepEqual(named('RUN'), [], 'nothing installed at build time: the bundle is self-contained');
    const copies = named('COPY');
    assert.equal(copies.length, 1);
    assert.match(copies[0]!, /\sdist\/forwarder\/index\.mjs \/app\/index\.mjs$/);
    const users = named('USER');
    assert.equal(users.length, 1);
    const [uid, gid] = users[0]!.slice('USER '.length).split(':');
    assert.match(uid!, /^\d+$/, 'numeric uid (runAsNonRoot can verify it)');
    assert.notEqual(Number(uid), 0);
    assert.notEqual(Number(gid ?? '1'), 0);
    assert.ok(
      instructions.indexOf(users[0]!) > instructions.indexOf(copies[0]!),
      'USER after COPY: the copied file stays root-owned',
    );
    assert.deepEqual(JSON.parse(named('ENTRYPOINT')[0]!.slice('ENTRYPOINT '.length)), ['node', '/app/index.mjs']);
  });

  it('the build context is the bundle alone, and the bundle path is what the build writes', () => {
    const ignore = readFileSync(join(K8S_DIR, 'forwarder/Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    assert.deepEqual(ignore, ['*', '!dist/forwarder/index.mjs']);
    assert.match(readFileSync(join(ROOT, 'scripts/build.ts'), 'utf8'), /dist\/forwarder\/index\.mjs/);
  });
});
