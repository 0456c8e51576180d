import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition } from '../../../../shared/kubedb/types.ts';
import { desiredStatus } from './status.ts';

const now = '2026-01-01T00:00:00Z';
const paused: Condition = { type: 'Paused', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' };

void describe('Redis status', () => {
  void it('goes Provisioning → Ready and keeps conditions it does not own', () => {
    const a = desiredStatus([paused], { generation: 1, expectedPods: 1, readyPods: 0, problem: undefined }, now);
    assert.equal(a.phase, 'Provisioning');
    assert.deepEqual(a.conditions[0], paused);
    const b = desiredStatus(
      a.conditions,
      { generation: 1, expectedPods: 1, readyPods: 1, problem: undefined },
      '2026-01-01T00:00:05Z',
    );
    assert.equal(b.phase, 'Ready');
    const started = b.conditions.find((c) => c.type === 'ProvisioningStarted')!;
    assert.equal(started.lastTransitionTime, now, 'unchanged status keeps its transition time');
    assert.equal(b.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  });
  void it('is NotReady once provisioned and no pod is Ready; shows a blocking problem', () => {
    const ready = desiredStatus([], { generation: 1, expectedPods: 1, readyPods: 1, problem: undefined }, now);
    assert.equal(
      desiredStatus(ready.conditions, { generation: 1, expectedPods: 1, readyPods: 0, problem: undefined }, now).phase,
      'NotReady',
    );
    const broken = desiredStatus(
      [],
      { generation: 2, expectedPods: 1, readyPods: 0, problem: { reason: 'ConfigSecretNotFound', message: 'nope' } },
      now,
    );
    assert.equal(broken.phase, 'NotReady');
    assert.equal(broken.conditions.find((c) => c.type === 'Provisioned')?.reason, 'ConfigSecretNotFound');
  });
});
