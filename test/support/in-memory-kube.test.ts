/**
 * The in-memory KubePort behaves as the API server does where the steps depend on it: resourceVersions, 409 on a
 * stale guarded write (and the steps' RetryOnConflict through it), and the Eviction API's answers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, UnavailableError } from '../../shared/errors.ts';
import { stepContext } from '../../shared/steps/context.ts';
import { updateOpsStatus, withConditions } from '../../shared/steps/ops-status.ts';
import { testWorld } from './fake-ports.ts';
import { InMemoryKube } from './in-memory-kube.ts';
import { stepData } from './messages.ts';
import { opsRequest, redis } from './objects.ts';

const pod = (name: string) => ({ name, uid: `${name}-uid`, deleting: false, ready: true, restartCount: 0 });

void describe('InMemoryKube: guarded writes', () => {
  void it('bumps the resourceVersion on every write and answers a stale one with ConflictError', async () => {
    const kube = new InMemoryKube();
    const first = kube.addOpsRequest(opsRequest());
    const written = await kube.writeOpsStatus(first, { phase: 'Progressing' });
    assert.notEqual(written.metadata.resourceVersion, first.metadata.resourceVersion);
    await assert.rejects(kube.writeOpsStatus(first, { phase: 'Failed' }), ConflictError);
    await assert.rejects(kube.writeOpsAnnotations(first, { a: 'b' }), ConflictError);
    assert.equal(kube.opsRequest('demo', 'rdops-reconfigure').status?.phase, 'Progressing');
    const db = kube.addRedis(redis());
    await kube.writeRedisConditions(db, []);
    await assert.rejects(kube.writeRedisConditions(db, []), ConflictError);
  });

  void it('annotation writes merge, and null deletes', async () => {
    const kube = new InMemoryKube();
    const ops = kube.addOpsRequest(opsRequest({ annotations: { keep: '1', drop: '2' } }));
    const next = await kube.writeOpsAnnotations(ops, { drop: null, add: '3' });
    assert.deepEqual(next.metadata.annotations, { keep: '1', add: '3' });
  });

  void it("lets updateOpsStatus re-read and re-apply its change after another writer's update", async () => {
    const w = testWorld();
    const stale = w.kube.addOpsRequest(opsRequest({ phase: 'Progressing', conditions: [] }));
    await w.kube.writeOpsAnnotations(stale, { other: 'writer' }); // someone else wrote in between
    const ctx = stepContext(stepData('halt', stale), stale, w.deps);
    const written = await updateOpsStatus(ctx, (s) =>
      withConditions(s, [{ type: 'Reconfigure', message: 'm' }], 1, w.clock.now()),
    );
    assert.deepEqual(
      written.status?.conditions?.map((c) => c.type),
      ['Reconfigure'],
    );
    assert.equal(written.metadata.annotations?.['other'], 'writer', 'the other write is kept');
    assert.deepEqual(w.kube.writes, [
      'writeOpsAnnotations demo/rdops-reconfigure',
      'writeOpsStatus demo/rdops-reconfigure',
    ]);
  });
});

void describe('InMemoryKube: eviction', () => {
  void it('marks the pod DisruptionTarget and Terminating; a budget refusal is retryable; a gone pod is done', async () => {
    const kube = new InMemoryKube();
    kube.addPod('demo', 'rd', pod('rd-0'));
    kube.addPod('demo', 'rd', pod('rd-1'));
    kube.pdbRefuses.add('rd-1');
    await kube.evictPod('demo', 'rd-0');
    assert.equal((await kube.getPod('demo', 'rd-0'))?.deleting, true);
    assert.deepEqual(
      kube.pods.get('demo/rd-0')?.conditions.map((c) => c.type),
      ['DisruptionTarget'],
    );
    await assert.rejects(kube.evictPod('demo', 'rd-1'), UnavailableError);
    assert.equal((await kube.getPod('demo', 'rd-1'))?.deleting, false);
    await kube.evictPod('demo', 'rd-9');
    assert.deepEqual(kube.writes, ['evictPod demo/rd-0']);
  });
});
