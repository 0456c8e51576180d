import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_TYPES } from './builtin-types.ts';
import { ApiError } from './errors.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { KubeObject, ResourceType } from './types.ts';

const kind = (group: string, k: string): ResourceType => BUILTIN_TYPES.find((t) => t.group === group && t.kind === k)!;
const POD = kind('', 'Pod');
const custom: ResourceType = { ...kind('', 'ConfigMap'), group: 'kubedb.com', kind: 'Redis', isCustom: true };
const unsupported = (label: string) => (e: unknown) =>
  e instanceof ApiError &&
  e.code === 400 &&
  e.reason === 'BadRequest' &&
  e.message === `field label not supported: ${label}`;

const obj = (labels: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject => ({
  metadata: { name: 'n', namespace: 'ns', labels },
  ...extra,
});

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
    assert.throws(
      () => parseLabelSelector('a b c'),
      (e: ApiError) => e.code === 400,
    );
    assert.equal(parseLabelSelector(''), undefined);
  });

  void it('matches the fields a kind accepts, a missing one reading as ""', () => {
    const f = parseFieldSelector('metadata.name=n,status.phase!=Failed,spec.nodeName=node-1', POD)!;
    assert.ok(f(obj({}, { status: { phase: 'Running' }, spec: { nodeName: 'node-1' } })));
    assert.ok(!f(obj({}, { status: { phase: 'Failed' }, spec: { nodeName: 'node-1' } })));
    assert.ok(parseFieldSelector('spec.nodeName=', POD)!(obj({})));
    assert.ok(parseFieldSelector('spec.hostNetwork=false', POD)!(obj({})), 'hostNetwork defaults to false');
    assert.ok(parseFieldSelector('status.podIP=10.0.0.1', POD)!(obj({}, { status: { podIPs: [{ ip: '10.0.0.1' }] } })));
    assert.ok(
      parseFieldSelector('spec.host=node-1', POD)!(obj({}, { spec: { nodeName: 'node-1' } })),
      'old alias of spec.nodeName',
    );
    const ev = parseFieldSelector('involvedObject.name=rd,source=kubedb', kind('', 'Event'))!;
    assert.ok(
      ev(obj({}, { involvedObject: { name: 'rd' }, reportingComponent: 'kubedb' })),
      'source falls back to reportingComponent',
    );
    const v1 = parseFieldSelector('regarding.name=rd,reportingController=kubedb', kind('events.k8s.io', 'Event'))!;
    assert.ok(v1(obj({}, { regarding: { name: 'rd' }, reportingController: 'kubedb' })));
    assert.ok(parseFieldSelector('type=Opaque', kind('', 'Secret'))!(obj({}, { type: 'Opaque' })));
    assert.ok(parseFieldSelector('metadata.namespace=ns', custom)!(obj({})));
  });

  void it('refuses the fields a kind does not accept, as the real server does', () => {
    assert.throws(() => parseFieldSelector('data.x=1', kind('', 'ConfigMap')), unsupported('data.x'));
    assert.throws(() => parseFieldSelector('spec.nodeName=n', kind('', 'ConfigMap')), unsupported('spec.nodeName'));
    assert.throws(() => parseFieldSelector('metadata.name=a,status.phase=Ready', custom), unsupported('status.phase'));
    assert.throws(
      () => parseFieldSelector('metadata.namespace=x', kind('', 'Namespace')),
      unsupported('metadata.namespace'),
    );
    assert.throws(
      () => parseFieldSelector('involvedObject.name=x', kind('events.k8s.io', 'Event')),
      unsupported('involvedObject.name'),
    );
    assert.throws(() => parseFieldSelector('metadata.labels=x', POD), unsupported('metadata.labels'));
    assert.throws(() => parseFieldSelector('constructor=x', POD), unsupported('constructor'));
  });
});
