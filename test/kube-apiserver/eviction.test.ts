/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- API JSON is checked by the assertions */
/**
 * policy/v1 Eviction as pkg/registry/core/pod/storage/eviction.go does it: the DisruptionTarget condition is written
 * to the pod's status first, then the pod is deleted gracefully; a dry run or a failed precondition changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, openWatch, raw, startTestServer } from './helpers.ts';

const PODS = '/api/v1/namespaces/ev/pods';

const eviction = (name: string, deleteOptions?: Record<string, unknown>) => ({
  apiVersion: 'policy/v1',
  kind: 'Eviction',
  metadata: { name },
  ...(deleteOptions ? { deleteOptions } : {}),
});

async function boundPod(s: KubeApiServer, name: string): Promise<{ uid: string; resourceVersion: string }> {
  const r = await raw(s, 'POST', PODS, {
    metadata: { name },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'redis:7' }] },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.metadata as { uid: string; resourceVersion: string };
}

void describe('pods/eviction', () => {
  let s: KubeApiServer;
  before(async () => {
    s = await startTestServer();
    await ensureNamespace(s, 'ev');
  });
  after(async () => s.stop());

  void it('adds DisruptionTarget (EvictionByEvictionAPI) to the status, then starts the graceful deletion', async () => {
    const { resourceVersion } = await boundPod(s, 'p1');
    const w = await openWatch(s, `${PODS}?watch=1&resourceVersion=${resourceVersion}&fieldSelector=metadata.name%3Dp1`);
    try {
      const r = await raw(s, 'POST', `${PODS}/p1/eviction`, eviction('p1', { preconditions: { resourceVersion } }));
      assert.equal(r.status, 201, r.text);
      await eventually(() => w.events.length >= 2, 'two MODIFIED events');
      const [first, second] = w.events;
      assert.equal(first!.type, 'MODIFIED');
      assert.equal(first!.object.metadata.deletionTimestamp, undefined, 'condition first, deletion after');
      const condition = first!.object.status.conditions.find((c: { type: string }) => c.type === 'DisruptionTarget');
      assert.equal(condition.status, 'True');
      assert.equal(condition.reason, 'EvictionByEvictionAPI');
      assert.equal(condition.message, 'Eviction API: evicting');
      assert.match(condition.lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(second!.type, 'MODIFIED');
      assert.equal(second!.object.metadata.deletionGracePeriodSeconds, 30);
      assert.deepEqual(second!.object.status.conditions, first!.object.status.conditions);
    } finally {
      w.close();
    }
  });

  void it('changes nothing on a dry run or a failed precondition', async () => {
    await boundPod(s, 'p2');
    const dry = await raw(s, 'POST', `${PODS}/p2/eviction`, eviction('p2', { dryRun: ['All'] }));
    assert.equal(dry.status, 201, dry.text);
    const wrongUid = await raw(s, 'POST', `${PODS}/p2/eviction`, eviction('p2', { preconditions: { uid: 'x' } }));
    assert.equal(wrongUid.status, 409);
    const live = (await raw(s, 'GET', `${PODS}/p2`)).json;
    assert.equal(live.status.conditions, undefined);
    assert.equal(live.metadata.deletionTimestamp, undefined);
  });
});
