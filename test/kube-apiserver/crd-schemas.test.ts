/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- API JSON is checked by the assertions */
/**
 * The trimmed CRDs in infra/crds must accept every KubeDB example exactly as the upstream CRDs do, and keep the
 * names, printer columns, short names, categories and subresources. (Tests may read ../shared; the stack may not.)
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { KUBEDB_DIR } from '../shared-reference.ts';

const SHARED = KUBEDB_DIR;
const TRIMMED = join(import.meta.dirname, '../../infra/crds');

interface Crd {
  spec: {
    group: string;
    names: Record<string, unknown>;
    scope: string;
    versions: {
      name: string;
      schema: { openAPIV3Schema: object };
      additionalPrinterColumns?: unknown;
      subresources?: unknown;
    }[];
  };
}

function loadCrds(dir: string): Map<string, Crd> {
  const out = new Map<string, Crd>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
    const crd = YAML.parse(readFileSync(join(dir, f), 'utf8')) as Crd;
    out.set(`${crd.spec.group}/${String(crd.spec.names.kind)}`, crd);
  }
  return out;
}

function examples(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? examples(p) : p.endsWith('.yaml') ? [p] : [];
  });
}

const real = loadCrds(join(SHARED, 'crds'));
const trimmed = loadCrds(TRIMMED);
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function validator(crd: Crd, version: string) {
  const v = crd.spec.versions.find((x) => x.name === version);
  assert.ok(v, `version ${version}`);
  return ajv.compile(v.schema.openAPIV3Schema);
}

void describe('trimmed KubeDB CRDs', () => {
  void it('covers the same kinds with identical names, scope, versions, printer columns and subresources', () => {
    assert.deepEqual([...trimmed.keys()].sort(), [...real.keys()].sort());
    for (const [key, r] of real) {
      const t = trimmed.get(key)!;
      assert.deepEqual(t.spec.names, r.spec.names, key);
      assert.equal(t.spec.scope, r.spec.scope, key);
      assert.deepEqual(
        t.spec.versions.map((v) => [v.name, v.additionalPrinterColumns, v.subresources]),
        r.spec.versions.map((v) => [v.name, v.additionalPrinterColumns, v.subresources]),
        key,
      );
    }
  });

  void it('keeps RedisOpsRequest spec.type/databaseRef/configuration/timeout/apply/status and Redis mode/version/configuration/cluster/replicas/status', () => {
    const ops = trimmed.get('ops.kubedb.com/RedisOpsRequest')!.spec.versions[0]!.schema.openAPIV3Schema as any;
    const realOps = real.get('ops.kubedb.com/RedisOpsRequest')!.spec.versions[0]!.schema.openAPIV3Schema as any;
    const strip = (x: unknown): unknown =>
      JSON.parse(JSON.stringify(x, (k, v) => (k === 'description' ? undefined : v)));
    for (const f of ['type', 'databaseRef', 'configuration', 'timeout', 'apply'])
      assert.deepEqual(ops.properties.spec.properties[f], strip(realOps.properties.spec.properties[f]), f);
    assert.deepEqual(ops.properties.status, strip(realOps.properties.status));
    const rd = trimmed.get('kubedb.com/Redis')!.spec.versions.find((v) => v.name === 'v1')!.schema
      .openAPIV3Schema as any;
    const realRd = real.get('kubedb.com/Redis')!.spec.versions.find((v) => v.name === 'v1')!.schema
      .openAPIV3Schema as any;
    for (const f of ['mode', 'version', 'configuration', 'cluster', 'replicas'])
      assert.deepEqual(rd.properties.spec.properties[f], strip(realRd.properties.spec.properties[f]), f);
    assert.deepEqual(rd.properties.status, strip(realRd.properties.status));
  });

  void it('accepts or rejects every KubeDB example exactly as the upstream schema does', () => {
    let checked = 0;
    for (const file of examples(join(SHARED, 'examples'))) {
      for (const doc of YAML.parseAllDocuments(readFileSync(file, 'utf8'))) {
        const obj = doc.toJS() as { apiVersion?: string; kind?: string } | null;
        if (!obj?.apiVersion?.includes('/')) continue;
        const [group, version] = obj.apiVersion.split('/') as [string, string];
        const key = `${group}/${obj.kind}`;
        if (!real.has(key)) continue;
        const realOk = validator(real.get(key)!, version)(structuredClone(obj));
        const trimmedOk = validator(trimmed.get(key)!, version)(structuredClone(obj));
        assert.equal(realOk, true, `${file} must be valid upstream`);
        assert.equal(trimmedOk, realOk, `${file}`);
        checked++;
      }
    }
    assert.ok(checked >= 10, `checked ${checked} examples`);
  });

  void it('rejects the same invalid objects as upstream (enum violations)', () => {
    const ops = {
      apiVersion: 'ops.kubedb.com/v1alpha1',
      kind: 'RedisOpsRequest',
      metadata: { name: 'x' },
      spec: { type: 'Bogus', databaseRef: { name: 'a' } },
    };
    const rd = {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name: 'x' },
      spec: { mode: 'Foo', version: '1' },
    };
    for (const [key, obj, version] of [
      ['ops.kubedb.com/RedisOpsRequest', ops, 'v1alpha1'],
      ['kubedb.com/Redis', rd, 'v1'],
    ] as const) {
      assert.equal(validator(real.get(key)!, version)(structuredClone(obj)), false);
      assert.equal(validator(trimmed.get(key)!, version)(structuredClone(obj)), false);
    }
  });
});
