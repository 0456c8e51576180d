import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podForAddress } from './pod-address.ts';

const pods = [
  { name: 'rd-demo-0', podIP: '10.0.0.5' },
  { name: 'rd-demo-1', podIP: '10.0.0.6' },
  { name: 'rd-demo-10' },
];

void describe('podForAddress', () => {
  void it('matches a pod IP exactly', () => {
    assert.equal(podForAddress('10.0.0.6', pods), 'rd-demo-1');
    assert.equal(podForAddress('10.0.0.60', pods), undefined);
  });

  void it('matches the hostnames KubeDB announces, in every form DNS accepts', () => {
    assert.equal(podForAddress('rd-demo-0.rd-demo-pods', pods), 'rd-demo-0');
    assert.equal(podForAddress('rd-demo-0.rd-demo-pods.demo.svc.cluster.local.', pods), 'rd-demo-0');
    assert.equal(podForAddress('RD-DEMO-1.rd-demo-pods.demo.svc', pods), 'rd-demo-1');
    assert.equal(
      podForAddress('rd-demo-10.rd-demo-pods.demo', pods),
      'rd-demo-10',
      'no prefix confusion with rd-demo-1',
    );
  });

  void it('names nobody for unknown or empty addresses', () => {
    assert.equal(podForAddress('other-0.svc', pods), undefined);
    assert.equal(podForAddress('', pods), undefined);
    assert.equal(podForAddress(undefined, pods), undefined);
  });
});
