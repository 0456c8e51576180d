/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- API JSON is checked by the assertions */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './errors.ts';
import { jsonPatch, mergePatch } from './json-patch.ts';
import { serverSideApply } from './server-side-apply.ts';
import { strategicMerge } from './strategic-merge.ts';
import type { KubeObject } from './types.ts';

void describe('patches', () => {
  void it('merge patch deletes with null and replaces lists', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null }, l: [3] }), {
      a: 1,
      b: { d: 3 },
      l: [3],
    });
  });

  void it('json patch applies ops and fails with 422 on test/path errors, 400 on malformed patches', () => {
    const doc = { spec: { l: [1, 2] } };
    assert.deepEqual(
      jsonPatch(doc, [
        { op: 'add', path: '/spec/l/-', value: 3 },
        { op: 'move', from: '/spec/l/0', path: '/spec/first' },
      ]),
      { spec: { l: [2, 3], first: 1 } },
    );
    assert.deepEqual(doc, { spec: { l: [1, 2] } }, 'input untouched');
    assert.throws(
      () => jsonPatch(doc, [{ op: 'test', path: '/spec/l/0', value: 9 }]),
      (e: ApiError) => e.code === 422,
    );
    assert.throws(
      () => jsonPatch(doc, [{ op: 'remove', path: '/nope/x' }]),
      (e: ApiError) => e.code === 422,
    );
    assert.throws(
      () => jsonPatch(doc, { op: 'add' }),
      (e: ApiError) => e.code === 400,
    );
  });

  void it('strategic merge merges containers/env/conditions by key and honours directives', () => {
    const pod = {
      spec: {
        containers: [
          { name: 'a', image: '1', env: [{ name: 'X', value: '1' }] },
          { name: 'b', image: '2' },
        ],
      },
      metadata: { finalizers: ['f1'] },
    };
    const out = strategicMerge('Pod', pod, {
      metadata: { finalizers: ['f2'] },
      spec: {
        containers: [
          { name: 'a', env: [{ name: 'Y', value: '2' }] },
          { name: 'b', $patch: 'delete' },
        ],
        $setElementOrder: 'ignored',
      },
    }) as any;
    assert.deepEqual(out.spec.containers, [
      {
        name: 'a',
        image: '1',
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
      },
    ]);
    assert.deepEqual(out.metadata.finalizers, ['f1', 'f2']);
    const svc = strategicMerge(
      'Service',
      { spec: { ports: [{ port: 80, name: 'a' }] } },
      { spec: { ports: [{ port: 81 }] } },
    ) as any;
    assert.equal(svc.spec.ports.length, 2);
    const deleted = strategicMerge(
      'Pod',
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    ) as any;
    assert.deepEqual(deleted.metadata.finalizers, ['b']);
    const retained = strategicMerge('Pod', { spec: { a: 1, b: 2 } }, { spec: { $retainKeys: ['b'], b: 3 } }) as any;
    assert.deepEqual(retained.spec, { b: 3 });
  });

  void it('strategic merge stores nothing for a $patch: delete item when the list is missing', () => {
    const out = strategicMerge(
      'Pod',
      { spec: { containers: [{ name: 'a' }] } },
      { spec: { volumes: [{ name: 'x', $patch: 'delete' }] } },
    ) as any;
    assert.deepEqual(out.spec, { containers: [{ name: 'a' }] });
    const nested = strategicMerge(
      'Pod',
      { spec: { containers: [] } },
      { spec: { containers: [{ name: 'b', env: [{ name: 'E', $patch: 'delete' }] }] } },
    ) as any;
    assert.deepEqual(nested.spec.containers, [{ name: 'b' }]);
  });

  void it('server-side apply merges intent, removes fields a manager stopped applying, and detects conflicts', () => {
    const base = { apiVersion: 'kubedb.com/v1', kind: 'Redis', metadata: { name: 'r' } };
    const first = serverSideApply({
      live: undefined,
      applied: { ...base, spec: { a: 1, b: 2 } },
      manager: 'm1',
      force: false,
      isCustom: true,
      apiVersion: 'kubedb.com/v1',
    });
    const live: KubeObject = { ...first, spec: { ...(first.spec as object), c: 3 } };
    const second = serverSideApply({
      live,
      applied: { ...base, spec: { a: 1 } },
      manager: 'm1',
      force: false,
      isCustom: true,
      apiVersion: 'kubedb.com/v1',
    });
    assert.deepEqual(second.spec, { a: 1, c: 3 });
    assert.throws(
      () =>
        serverSideApply({
          live: second,
          applied: { ...base, spec: { a: 5 } },
          manager: 'm2',
          force: false,
          isCustom: true,
          apiVersion: 'kubedb.com/v1',
        }),
      (e: ApiError) => e.code === 409 && e.details?.causes?.[0]?.field === '.spec.a',
    );
    const forced = serverSideApply({
      live: second,
      applied: { ...base, spec: { a: 5 } },
      manager: 'm2',
      force: true,
      isCustom: true,
      apiVersion: 'kubedb.com/v1',
    });
    assert.equal((forced.spec as { a: number }).a, 5);
    assert.deepEqual(
      forced.metadata.managedFields!.map((m: any) => m.manager),
      ['m1', 'm2'],
    );
  });
});
