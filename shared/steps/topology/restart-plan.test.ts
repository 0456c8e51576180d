import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failoverCandidate, planRestartOrder } from './restart-plan.ts';

describe('planRestartOrder', () => {
  it('Cluster: replicas of all shards first, then masters — by observed role, not ordinal', () => {
    const roles = [
      { pod: 'rd-shard0-0', role: 'replica' as const, shard: 0, masterPod: 'rd-shard0-1' },
      { pod: 'rd-shard0-1', role: 'master' as const, shard: 0 },
      { pod: 'rd-shard1-0', role: 'master' as const, shard: 1 },
      { pod: 'rd-shard1-1', role: 'replica' as const, shard: 1, masterPod: 'rd-shard1-0' },
      { pod: 'rd-shard2-0', role: 'master' as const, shard: 2 },
      { pod: 'rd-shard2-1', role: 'replica' as const, shard: 2, masterPod: 'rd-shard2-0' },
    ];
    assert.deepEqual(planRestartOrder('Cluster', roles), [
      'rd-shard0-0',
      'rd-shard1-1',
      'rd-shard2-1',
      'rd-shard0-1',
      'rd-shard1-0',
      'rd-shard2-0',
    ]);
    assert.equal(failoverCandidate('rd-shard0-1', roles), 'rd-shard0-0');
    assert.equal(failoverCandidate('rd-shard1-1', roles), undefined);
  });

  it('Sentinel: replicas first, the primary last; Standalone: its pod', () => {
    const roles = [
      { pod: 'rd-1', role: 'master' as const },
      { pod: 'rd-10', role: 'replica' as const, masterPod: 'rd-1' },
      { pod: 'rd-2', role: 'replica' as const, masterPod: 'rd-1' },
    ];
    assert.deepEqual(planRestartOrder('Sentinel', roles), ['rd-2', 'rd-10', 'rd-1']);
    assert.deepEqual(planRestartOrder('Standalone', [{ pod: 'rd-0', role: 'master' }]), ['rd-0']);
  });
});
