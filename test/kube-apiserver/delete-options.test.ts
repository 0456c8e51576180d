/**
 * DeleteOptions come from the body when there is one, else from the query (k8s.io/apiserver handlers/delete.go):
 * with a body, `?gracePeriodSeconds=0` is ignored, which is what left the kubelet's pods Terminating on a real server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, raw, startTestServer } from './helpers.ts';

const PODS = '/api/v1/namespaces/del/pods';

const boundPod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { nodeName: 'node-1', containers: [{ name: 'redis', image: 'redis:7' }] },
});

void describe('DELETE options: body wins over the query', () => {
  let s: KubeApiServer;
  before(async () => {
    s = await startTestServer();
    await ensureNamespace(s, 'del');
  });
  after(async () => s.stop());

  void it('ignores ?gracePeriodSeconds=0 when a preconditions body is sent: the pod keeps its 30 s grace', async () => {
    const uid = (await raw(s, 'POST', PODS, boundPod('p1'))).json.metadata.uid as string;
    const r = await raw(s, 'DELETE', `${PODS}/p1?gracePeriodSeconds=0`, { preconditions: { uid } });
    assert.equal(r.status, 200);
    const live = await raw(s, 'GET', `${PODS}/p1`);
    assert.equal(live.status, 200, 'still there: Terminating');
    assert.equal(live.json.metadata.deletionGracePeriodSeconds, 30);
    // What the kubelet now sends: the grace period in the body, with the preconditions.
    const done = await raw(s, 'DELETE', `${PODS}/p1`, { gracePeriodSeconds: 0, preconditions: { uid } });
    assert.equal(done.status, 200);
    assert.equal((await raw(s, 'GET', `${PODS}/p1`)).status, 404);
  });

  void it('takes the query parameters when there is no body, and dryRun ["All"] from a body', async () => {
    await raw(s, 'POST', PODS, boundPod('p2'));
    const dry = await raw(s, 'DELETE', `${PODS}/p2`, { dryRun: ['All'], gracePeriodSeconds: 0 });
    assert.equal(dry.status, 200);
    assert.equal((await raw(s, 'GET', `${PODS}/p2`)).json.metadata.deletionTimestamp, undefined);
    // A body's options replace the query's wholesale: `?dryRun=All` is ignored next to a body.
    assert.equal((await raw(s, 'DELETE', `${PODS}/p2?dryRun=All`, { gracePeriodSeconds: 0 })).status, 200);
    assert.equal((await raw(s, 'GET', `${PODS}/p2`)).status, 404);
    await raw(s, 'POST', PODS, boundPod('p3'));
    assert.equal((await raw(s, 'DELETE', `${PODS}/p3?gracePeriodSeconds=0`)).status, 200);
    assert.equal((await raw(s, 'GET', `${PODS}/p3`)).status, 404);
  });
});
