import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  labelValueErrors,
  metadataLabelAndAnnotationRules,
  qualifiedNameErrors,
  TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
} from './metadata-validation.ts';
import type { KubeObject } from './types.ts';

const obj = (metadata: KubeObject['metadata']): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata });

describe('metadata labels and annotations, as the real server checks them', () => {
  it('accepts what Kubernetes and KubeDB write', () => {
    for (const k of ['app.kubernetes.io/instance', 'kubedb.com/role', 'a', 'A_b.c-1', `${'x'.repeat(63)}`])
      assert.deepEqual(qualifiedNameErrors(k), [], k);
    for (const v of ['', 'redis', 'Redis_7.2.6', 'x'.repeat(63)]) assert.deepEqual(labelValueErrors(v), [], v);
  });
  it('refuses keys and values with the real messages', () => {
    assert.deepEqual(qualifiedNameErrors('x'.repeat(64)), ['name part must be no more than 63 characters']);
    assert.deepEqual(qualifiedNameErrors('/a'), ['prefix part must be non-empty']);
    assert.equal(qualifiedNameErrors('a/b/c').length, 1);
    assert.deepEqual(qualifiedNameErrors('-a'), [
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    assert.match(qualifiedNameErrors('Example.com/a')[0] ?? '', /^prefix part a lowercase RFC 1123 subdomain/);
    assert.deepEqual(labelValueErrors('x'.repeat(64)), ['must be no more than 63 characters']);
    assert.match(
      labelValueErrors('a b')[0] ?? '',
      /^a valid label must be an empty string or consist of alphanumeric characters/,
    );
  });
  it('names the field and the value; annotation keys ignore case; annotations are bounded to 256 KiB in all', () => {
    const causes = metadataLabelAndAnnotationRules(
      obj({ name: 'x', labels: { ok: 'bad value' }, annotations: { 'Example.com/Key': 'v', 'bad key': 'v' } }),
    );
    assert.deepEqual(
      causes.map((c) => [c.field, c.message.slice(0, 30)]),
      [
        ['metadata.labels', 'Invalid value: "bad value": a '],
        ['metadata.annotations', 'Invalid value: "bad key": name'],
      ],
    );
    const big = metadataLabelAndAnnotationRules(
      obj({ name: 'x', annotations: { a: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) } }),
    );
    assert.deepEqual(big, [
      {
        field: 'metadata.annotations',
        message: 'Too long: must have at most 262144 bytes',
        reason: 'FieldValueTooLong',
      },
    ]);
  });
});
