/**
 * The project's own objects against KubeDB's real CRDs (test/fixtures/kubedb/crds, verbatim upstream): the PetSets the
 * provisioner builds for every KubeDB example and every example of this repository, the default RedisVersions, Redis
 * and RedisSentinel objects carrying the status the provisioner writes, and every YAML under examples/.
 *
 * Validation is the local API server's own CRD admission (kube-apiserver/crds.ts → schema.ts: the structural-schema
 * checks the real apiextensions-apiserver makes) fed with the real CRDs. Admission prunes unknown fields silently, as
 * the real server does, so the test also asserts that nothing was pruned: a field KubeDB's schema does not know would
 * be lost on a real cluster.
 *
 * Secrets and Services are core kinds that no KubeDB CRD describes; they are checked against the Kubernetes validation
 * rules that matter for them here (secret keys and basic-auth contents; service ports naming a container port of the
 * pods the selector selects).
 */
import { FLEET_API_VERSION, FLEET_KIND, parseFleetRolloutSpec } from '../../../../shared/fleet/spec.ts';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadCrdDirs } from '../../kube-apiserver/crds.ts';
import type { KubeObject } from '../../kube-apiserver/types.ts';
import { buildAuthSecret, buildConfigSecret, buildServices, petSetPlan } from '../provisioner/builders.ts';
import {
  buildSentinelAuthSecret,
  buildSentinelPetSet,
  buildSentinelServices,
} from '../provisioner/sentinel-builders.ts';
import { buildEffectiveConfig } from '../provisioner/effective-config.ts';
import { desiredStatus } from '../provisioner/status.ts';
import { defaultRedisVersions, versionInfo } from '../provisioner/versions.ts';
import { redisMode, sentinelAuthSecretName, type RedisSentinel } from '../../../../shared/kubedb/topology.ts';
import { authSecretName, managedConfigSecretName } from '../../../../shared/kubedb/constants.ts';
import type { Redis } from '../../../../shared/kubedb/types.ts';
import { KUBEDB_DIR, KUBEDB_EXAMPLES } from '../../../../test/shared-reference.ts';

type Obj = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
};

const realTypes = await loadCrdDirs([join(KUBEDB_DIR, 'crds')]);

/** Paths present in `before` and missing from `after` (what admission pruned). */
function lostPaths(before: unknown, after: unknown, path: string): string[] {
  if (before === null || typeof before !== 'object') return [];
  if (after === null || typeof after !== 'object') return [path];
  return Object.entries(before).flatMap(([k, v]) => {
    const sub = `${path}${Array.isArray(before) ? `[${k}]` : `.${k}`}`;
    return k in after ? lostPaths(v, (after as Record<string, unknown>)[k], sub) : [sub];
  });
}

/** Admits `obj` with the real CRD of its apiVersion/kind: the violations, and the fields the schema would prune. */
function admitReal(obj: Obj): { causes: string[]; pruned: string[] } {
  const [group, version] = (obj.apiVersion ?? '').split('/');
  const type = realTypes.find((t) => t.group === group && t.version === version && t.kind === obj.kind);
  assert.ok(type?.admit, `KubeDB ships a CRD with a schema for ${obj.apiVersion} ${obj.kind}`);
  const admitted = structuredClone(obj) as unknown as KubeObject;
  const causes = type.admit(admitted).map((c) => `${c.field}: ${c.message}`);
  return { causes, pruned: lostPaths(obj, admitted, '') };
}

function assertConforms(obj: Obj, where: string): void {
  const what = `${where}: ${obj.kind} ${obj.metadata?.name}`;
  const { causes, pruned } = admitReal(obj);
  assert.deepEqual(causes, [], `${what} is invalid`);
  assert.deepEqual(pruned, [], `${what} has fields the real CRD prunes`);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(p) ? [p] : [];
  });
}

const docsIn = (dir: string): Array<{ file: string; obj: Obj }> =>
  yamlFiles(dir).flatMap((file) =>
    YAML.parseAllDocuments(readFileSync(file, 'utf8')).flatMap((d) =>
      d.toJS() ? [{ file, obj: d.toJS() as Obj }] : [],
    ),
  );

const PROJECT_EXAMPLES = join(import.meta.dirname, '../../../../examples');
const allDocs = [...docsIn(KUBEDB_EXAMPLES), ...docsIn(PROJECT_EXAMPLES)];
const withUid = <T extends Obj>(o: T, i: number): T => {
  const copy = structuredClone(o);
  Object.assign(copy.metadata ?? {}, {
    namespace: copy.metadata?.namespace ?? 'default',
    uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    generation: 1,
  });
  return copy;
};
const redises = allDocs
  .filter((d) => d.obj.kind === 'Redis' && d.obj.apiVersion === 'kubedb.com/v1')
  .map((d, i) => ({ file: d.file, redis: withUid(d.obj, i) as unknown as Redis }));
const sentinels = allDocs
  .filter((d) => d.obj.kind === 'RedisSentinel')
  .map((d, i) => ({ file: d.file, sentinel: withUid(d.obj, 1000 + i) as unknown as RedisSentinel }));

/** What the provisioner creates for one Redis (reconcile.ts): secrets, services, PetSets. */
function provisionerObjects(redis: Redis): Obj[] {
  const info = versionInfo(defaultRedisVersions().find((v) => v.metadata.name === redis.spec.version));
  const config = buildEffectiveConfig({ mode: redisMode(redis), distribution: info.distribution });
  assert.ok('config' in config);
  const name = redis.metadata.name;
  const sentinelName = (redis.spec as { sentinelRef?: { name?: string } }).sentinelRef?.name;
  const sentinelObj = sentinels.find((s) => s.sentinel.metadata.name === sentinelName)?.sentinel;
  const sentinel = sentinelObj
    ? { sentinel: { object: sentinelObj, authSecret: sentinelAuthSecretName(sentinelObj) } }
    : {};
  const petSets = petSetPlan({
    redis,
    distribution: info.distribution,
    image: info.image,
    authSecret: authSecretName(name),
    configSecret: managedConfigSecretName(name, redis.metadata.uid!),
    ...sentinel,
  });
  return [
    buildAuthSecret(redis),
    buildConfigSecret(redis, config.config),
    ...buildServices(redis),
    ...petSets,
  ] as Obj[];
}

function sentinelObjects(s: RedisSentinel): Obj[] {
  const info = versionInfo(defaultRedisVersions().find((v) => v.metadata.name === s.spec.version));
  return [
    buildSentinelAuthSecret(s),
    ...buildSentinelServices(s),
    buildSentinelPetSet(s, info.image, info.distribution),
  ] as Obj[];
}

/** Kubernetes' Secret validation as far as it concerns what we write (ValidateSecret; basic-auth type rules). */
function assertValidSecret(secret: Obj, where: string): void {
  const data = (secret['data'] ?? {}) as Record<string, string>;
  for (const [key, value] of Object.entries(data)) {
    assert.match(key, /^[-._a-zA-Z0-9]+$/, `${where}: secret key ${key}`);
    assert.equal(Buffer.from(value, 'base64').toString('base64'), value, `${where}: ${key} is base64`);
  }
  if (secret['type'] === 'kubernetes.io/basic-auth')
    assert.ok('username' in data || 'password' in data, `${where}: basic-auth needs username or password`);
}

type PodTemplate = {
  metadata: { labels: Record<string, string> };
  spec: { containers: Array<{ ports?: Array<{ name?: string }> }> };
};

/** A Service must select the pods of a PetSet built with it and name one of their container ports. */
function assertServiceMatchesPods(service: Obj, petSets: Obj[], where: string): void {
  const spec = service['spec'] as {
    selector: Record<string, string>;
    ports: Array<{ name: string; port: number; targetPort: string; protocol: string }>;
  };
  const templates = petSets.map((p) => (p['spec'] as { template: PodTemplate }).template);
  const selected = templates.filter((t) => Object.entries(spec.selector).every(([k, v]) => t.metadata.labels[k] === v));
  assert.ok(selected.length > 0, `${where}: service ${service.metadata?.name} selects no pod of its PetSets`);
  for (const port of spec.ports) {
    assert.match(port.name, /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, `${where}: port name ${port.name}`);
    assert.ok(
      port.port >= 1 && port.port <= 65535 && port.protocol === 'TCP',
      `${where}: port ${port.port}/${port.protocol}`,
    );
    for (const t of selected)
      assert.ok(
        t.spec.containers.some((c) => c.ports?.some((p) => p.name === port.targetPort)),
        `${where}: targetPort ${port.targetPort} is a container port`,
      );
  }
}

function assertProvisionerObjects(objs: Obj[], where: string): number {
  const petSets = objs.filter((o) => o.kind === 'PetSet');
  for (const obj of objs) {
    if (obj.kind === 'PetSet') assertConforms(obj, where);
    else if (obj.kind === 'Secret') assertValidSecret(obj, where);
    else if (obj.kind === 'Service') assertServiceMatchesPods(obj, petSets, where);
    else assert.fail(`${where}: unexpected ${obj.kind}`);
  }
  return petSets.length;
}

void describe("the project's objects against KubeDB's real CRDs", () => {
  void it('the check itself fails on what the real CRD rejects or prunes', () => {
    const petSet = provisionerObjects(redises[0]!.redis).find((o) => o.kind === 'PetSet')!;
    const typo = structuredClone(petSet) as {
      spec: { template: { spec: { containers: Array<Record<string, unknown>> } } };
    } & Obj;
    typo.spec.template.spec.containers[0]!['readinesProbe'] = { periodSeconds: 1 };
    assert.deepEqual(admitReal(typo).pruned, ['.spec.template.spec.containers[0].readinesProbe']);
    const wrongType = { ...petSet, spec: { ...(petSet['spec'] as object), replicas: 'one' } };
    assert.match(admitReal(wrongType).causes.join('\n'), /spec\.replicas/);
  });

  void it('covers every mode among the examples', () => {
    const modes = new Set(redises.map((r) => redisMode(r.redis)));
    assert.deepEqual([...modes].sort(), ['Cluster', 'Sentinel', 'Standalone']);
    assert.ok(sentinels.length > 0);
  });

  void it('the PetSets, Secrets and Services the provisioner creates for each example Redis', () => {
    let petSets = 0;
    for (const { file, redis } of redises) petSets += assertProvisionerObjects(provisionerObjects(redis), file);
    assert.ok(petSets > redises.length, `${petSets} PetSets (a Cluster example gives one per shard)`);
  });

  void it('the PetSet, Secret and Services the provisioner creates for each example RedisSentinel', () => {
    for (const { file, sentinel } of sentinels) assertProvisionerObjects(sentinelObjects(sentinel), file);
  });

  void it('the default RedisVersions', () => {
    const versions = defaultRedisVersions();
    assert.ok(versions.length >= 3);
    for (const v of versions) assertConforms(v as unknown as Obj, 'defaultRedisVersions()');
  });

  void it('Redis and RedisSentinel objects with the status the provisioner writes, in every phase', () => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const observations = [
      { expectedPods: 1, readyPods: 0, problem: undefined }, // Provisioning
      { expectedPods: 1, readyPods: 1, problem: undefined }, // Ready
      { expectedPods: 3, readyPods: 1, problem: { reason: 'InvalidConfiguration', message: 'bad quotes' } }, // NotReady
    ];
    const phases = new Set<string>();
    for (const { file, redis } of [
      ...redises,
      ...sentinels.map((s) => ({ file: s.file, redis: s.sentinel as unknown as Redis })),
    ]) {
      let conditions = redis.status?.conditions ?? [];
      for (const o of observations) {
        const next = desiredStatus(conditions, { ...o, generation: 1 }, now);
        conditions = next.conditions;
        phases.add(next.phase);
        assertConforms(
          { ...(redis as unknown as Obj), status: { phase: next.phase, observedGeneration: 1, conditions } },
          `${file} (${next.phase})`,
        );
      }
    }
    assert.deepEqual([...phases].sort(), ['NotReady', 'Provisioning', 'Ready']);
  });

  void it('every YAML under examples/', () => {
    const docs = docsIn(PROJECT_EXAMPLES);
    const kinds = new Set<string>();
    for (const { file, obj } of docs) {
      kinds.add(obj.kind ?? '');
      if (obj.apiVersion?.includes('kubedb.com/')) assertConforms(obj, file);
      else if (obj.kind === 'Secret') assertValidSecret(obj, file);
      // The project's own API (examples/fleet): checked against its own schema here, its CRD in fleet-crd.test.ts.
      else if (obj.apiVersion === FLEET_API_VERSION && obj.kind === FLEET_KIND)
        parseFleetRolloutSpec((obj as { spec?: unknown }).spec);
      else assert.equal(obj.kind, 'Namespace', `${file}: a kind this test does not check`);
    }
    for (const k of ['Redis', 'RedisSentinel', 'RedisOpsRequest', 'Secret'])
      assert.ok(kinds.has(k), `examples/ has a ${k}`);
  });
});
