import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANNOTATION_PREFIX, evictedAnnotation, failoverIssuedAnnotation } from './annotations.ts';

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

describe('per-pod annotation keys', () => {
  it('name the pod as it is when it fits', () => {
    assert.equal(evictedAnnotation('rd-0'), `${ANNOTATION_PREFIX}/evicted.rd-0`);
    assert.equal(
      failoverIssuedAnnotation('rd-cluster-shard2-0'),
      `${ANNOTATION_PREFIX}/failover-issued.rd-cluster-shard2-0`,
    );
  });
  it('stay valid annotation keys (name part of at most 63) for the longest pod names, distinct and stable', () => {
    const a = `${'a'.repeat(50)}-shard10-1`;
    const b = `${'a'.repeat(50)}-shard10-2`;
    for (const key of [evictedAnnotation(a), failoverIssuedAnnotation(a), failoverIssuedAnnotation('p'.repeat(63))]) {
      const name = key.slice(`${ANNOTATION_PREFIX}/`.length);
      assert.ok(name.length <= 63 && QUALIFIED_NAME.test(name), key);
    }
    assert.notEqual(failoverIssuedAnnotation(a), failoverIssuedAnnotation(b));
    assert.equal(evictedAnnotation(a), evictedAnnotation(a));
  });
});
