/**
 * A replica's primary skips `repl-diskless-sync-delay` while that replica restarts, and gets its own value back after,
 * with redeliveries and a recreated primary in mind. In-memory cluster, scripted Redis; prepare / act / assess.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Redis } from '../../kubedb/types.ts';
import type { PodView, RedisTarget } from '../ports.ts';
import { InMemoryKube } from '../../../test/support/in-memory-kube.ts';
import { scriptedRedis, testWorld } from '../../../test/support/fake-ports.ts';
import { stepData } from '../../../test/support/messages.ts';
import { opsRequest } from '../../../test/support/objects.ts';
import { stepContext, type StepContext } from '../context.ts';
import { restoreSyncDelay, skipSyncDelay } from './sync-delay.ts';

const redis: Redis = {
  apiVersion: 'kubedb.com/v1',
  kind: 'Redis',
  metadata: { name: 'rd', namespace: 'demo' },
  spec: { version: '7.2.4', mode: 'Sentinel', replicas: 3, sentinelRef: { name: 'sen', namespace: 'demo' } },
};
const primary: PodView = {
  name: 'rd-0',
  uid: 'rd-0-uid',
  deleting: false,
  ready: true,
  podIP: '10.0.0.10',
  restartCount: 0,
};

/** The primary's live `repl-diskless-sync-delay`, and every CONFIG command sent to it. */
function world(delay: string) {
  const live = { delay, calls: [] as string[] };
  const kube = new InMemoryKube();
  kube.addOpsRequest(opsRequest({ phase: 'Progressing', conditions: [] }));
  kube.addRedis(redis);
  kube.addPod('demo', 'rd', primary);
  kube.addSecret('demo', 'rd-auth', { password: 'pw' });
  const { deps } = testWorld({
    kube,
    redis: scriptedRedis({
      configGet: async (t: RedisTarget) => {
        live.calls.push(`GET ${t.host}`);
        return { 'repl-diskless-sync-delay': live.delay };
      },
      configSet: async (t: RedisTarget, pv: string[]) => {
        live.calls.push(`SET ${t.host} ${pv.join(' ')}`);
        live.delay = pv[1] ?? '';
      },
    }),
  });
  const ctx = (): StepContext => {
    const ops = kube.opsRequest('demo', 'rdops-reconfigure');
    return stepContext(stepData('restart-pod', ops, { pod: 'rd-1', phase: 'evict', attempt: 0 }), ops, deps);
  };
  return { live, kube, ctx };
}

void describe('sync delay around a replica restart', () => {
  void it('sets 0 on the primary, records the value first, and puts it back once the replica is verified', async () => {
    const w = world('5');
    await skipSyncDelay(w.ctx(), redis, 'rd-1', primary);
    assert.equal(w.live.delay, '0');
    await skipSyncDelay(w.ctx(), redis, 'rd-1', primary); // a redelivered evict: 0 again, never recorded as the value
    await restoreSyncDelay(w.ctx(), () => Promise.resolve(redis), 'rd-1');
    await restoreSyncDelay(w.ctx(), () => Promise.resolve(redis), 'rd-1'); // a redelivered check: same value again
    assert.equal(w.live.delay, '5');
    assert.deepEqual(w.live.calls, [
      'GET 10.0.0.10',
      'SET 10.0.0.10 repl-diskless-sync-delay 0',
      'SET 10.0.0.10 repl-diskless-sync-delay 0',
      'SET 10.0.0.10 repl-diskless-sync-delay 5',
      'SET 10.0.0.10 repl-diskless-sync-delay 5',
    ]);
  });

  void it('leaves a primary with no delay alone, and a recreated primary to its config file', async () => {
    const none = world('0');
    await skipSyncDelay(none.ctx(), redis, 'rd-1', primary);
    await restoreSyncDelay(none.ctx(), () => Promise.resolve(redis), 'rd-1');
    assert.deepEqual(none.live.calls, ['GET 10.0.0.10']);

    const recreated = world('5');
    await skipSyncDelay(recreated.ctx(), redis, 'rd-1', primary);
    recreated.kube.replacePod('demo', 'rd-0', { uid: 'rd-0-uid-2' });
    await restoreSyncDelay(recreated.ctx(), () => Promise.resolve(redis), 'rd-1');
    assert.deepEqual(recreated.live.calls, ['GET 10.0.0.10', 'SET 10.0.0.10 repl-diskless-sync-delay 0']);
  });
});
