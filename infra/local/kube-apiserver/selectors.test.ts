 
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './errors.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { KubeObject } from './types.ts';

const obj = (labels: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject => ({ metadata: { name: 'n', namespace: 'ns', labels }, ...extra });

void describe('selectors', () => {
  void it('parses the label selector grammar', () => {
    const m = (sel: string, labels: Record<string, string>) => parseLabelSelector(sel)!(obj(labels));
    assert.ok(m('a=b', { a: 'b' }));
    assert.ok(m('a==b,c', { a: 'b', c: '' }));
    assert.ok(!m('a!=b', { a: 'b' }));
    assert.ok(m('a!=b', {}));
    assert.ok(m('a in (x, y)', { a: 'y' }));
    assert.ok(!m('a notin (x,y)', { a: 'x' }));
    assert.ok(m('!a', { b: '1' }));
    assert.throws(() => parseLabelSelector('a b c'), (e: ApiError) => e.code === 400);
    assert.equal(parseLabelSelector(''), undefined);
  });

  void it('matches field selectors on nested fields', () => {
    const f = parseFieldSelector('metadata.name=n,status.phase!=Failed,spec.nodeName=node-1')!;
    assert.ok(f(obj({}, { status: { phase: 'Running' }, spec: { nodeName: 'node-1' } })));
    assert.ok(!f(obj({}, { status: { phase: 'Failed' }, spec: { nodeName: 'node-1' } })));
    assert.ok(parseFieldSelector('spec.nodeName=')!(obj({})));
  });
});
