import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { buildPod, nextAction, petSetStatus, type PetSet } from './pods.ts';

const ps = (replicas: number): PetSet => ({
  metadata: { name: 'db', namespace: 'ns', uid: 'u1', generation: 3 },
  spec: {
    replicas,
    serviceName: 'db-pods',
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'redis' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' } }],
  },
});
const pod = (name: string, ready: boolean, terminating = false): V1Pod => ({
  metadata: { name, ...(terminating ? { deletionTimestamp: new Date() } : {}) },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

void describe('PetSet ordering (OrderedReady)', () => {
  void it('creates ordinal 0 first, the next only once the previous is Ready', () => {
    assert.deepEqual(nextAction(ps(3), []), { create: 0 });
    assert.equal(nextAction(ps(3), [pod('db-0', false)]), undefined);
    assert.deepEqual(nextAction(ps(3), [pod('db-0', true)]), { create: 1 });
  });
  void it('recreates a missing lower ordinal, waits while a pod is terminating', () => {
    assert.deepEqual(nextAction(ps(2), [pod('db-1', true)]), { create: 0 });
    assert.equal(nextAction(ps(1), [pod('db-0', true, true)]), undefined);
  });
  void it('scales down from the highest ordinal, one at a time', () => {
    const action = nextAction(ps(1), [pod('db-0', true), pod('db-1', true), pod('db-2', true)]);
    assert.equal(action && 'delete' in action ? action.delete.metadata?.name : undefined, 'db-2');
    assert.equal(nextAction(ps(1), [pod('db-0', true), pod('db-1', true), pod('db-2', true, true)]), undefined);
  });
  void it('builds pods with stable identity, claim volumes and an owner reference', () => {
    const p = buildPod(ps(1), 0) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    assert.equal(p.metadata['name'], 'db-0');
    assert.equal((p.metadata['labels'] as Record<string, string>)['statefulset.kubernetes.io/pod-name'], 'db-0');
    assert.equal(p.spec['hostname'], 'db-0');
    assert.equal(p.spec['subdomain'], 'db-pods');
    assert.deepEqual(p.spec['volumes'], [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }]);
    assert.equal((p.metadata['ownerReferences'] as { uid: string }[])[0]?.uid, 'u1');
  });
  void it('counts replicas without terminating pods', () => {
    const s = petSetStatus(ps(2), [pod('db-0', true), pod('db-1', false, true)]);
    assert.equal(s['replicas'], 1);
    assert.equal(s['readyReplicas'], 1);
    assert.equal(s['observedGeneration'], 3);
  });
});
