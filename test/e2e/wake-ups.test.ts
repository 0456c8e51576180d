/**
 * Wake-ups from the cluster (docs/adr/0013-wake-ups.md), end to end on the local stack:
 * - with the safety-net delay at SQS's maximum (900 s) and every message delivered twice, a reconfigure still
 *   completes within seconds — only the forwarder's wake-ups can have moved it — and the pod is restarted once;
 * - with the forwarder stopped mid-run (no wake-ups at all), the delayed messages complete it.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { applyObjects } from '../../infra/local/manifests.ts';
import { followOpsRequest } from '../../infra/local/ops-progress.ts';
import { waitFor } from '../../infra/local/wait.ts';
import {
  createDatabase,
  getOps,
  maxclients,
  reconfigure,
  startTestStack,
  waitDatabaseReady,
  watchPodUids,
} from './harness.ts';
import { startDuplicatingSqsProxy, type DuplicatingProxy } from './duplicating-sqs-proxy.ts';

describe('wake-ups', { timeout: 600_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('the safety net at 900 s and every message twice: the wake-ups complete it promptly, one restart', async () => {
    let proxy: DuplicatingProxy | undefined;
    // Recover (stall 600 s) stays out of it too: nothing but a wake-up can move a waiting step within the test.
    const stack = await startTestStack({
      safetyNetSeconds: 900,
      stallSeconds: 600,
      sqsEndpointFor: async (endpoint) => (proxy = await startDuplicatingSqsProxy(endpoint)).endpoint,
    });
    cleanups.push(async () => {
      await stack.cleanup();
      await proxy?.stop();
    });
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'wake', 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'wake', 'rd');
    const watcher = await watchPodUids(kc, 'wake', 'rd-0');
    const ops = reconfigure('wake', 'woken', 'rd', {
      applyConfig: { 'redis.conf': 'maxclients 3300' },
      restart: 'true',
    });
    const started = Date.now();
    await applyObjects(kc, [ops] as never);
    const done = await followOpsRequest(kc, 'wake', 'woken', () => undefined, { timeoutMs: 120_000 });
    const elapsedMs = Date.now() - started;
    assert.equal(done.status?.phase, 'Successful', JSON.stringify(done.status));
    assert.ok(elapsedMs < 60_000, `completed in ${elapsedMs} ms, far below the 900 s safety net`);
    assert.equal(await maxclients(kc, 'wake', 'rd'), '3300');
    await waitDatabaseReady(kc, 'wake', 'rd');
    watcher.stop();
    assert.equal(watcher.uids.size, 2, `one replacement pod, saw uids ${[...watcher.uids].join(', ')}`);
    assert.ok((proxy?.duplicated() ?? 0) >= 4, 'messages (wake-ups included) were really duplicated');
  });

  it('the forwarder stopped mid-run: the delayed messages complete it', async () => {
    // A pod that takes 3 s to start, so the forwarder is gone before the new pod is Ready: no wake-up reports it.
    const stack = await startTestStack({ safetyNetSeconds: 2, stallSeconds: 600, podStartDelayMs: 3000 });
    cleanups.push(() => stack.cleanup());
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'nowake', 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'nowake', 'rd');
    await applyObjects(kc, [
      reconfigure('nowake', 'unwoken', 'rd', { applyConfig: { 'redis.conf': 'maxclients 3400' }, restart: 'true' }),
    ] as never);
    await waitFor(
      'the pod evicted',
      async () =>
        (await getOps(kc, 'nowake', 'unwoken')).status?.conditions?.some((c) => c.type === 'EvictPod--rd-0')
          ? true
          : undefined,
      { intervalMs: 20, timeoutMs: 60_000 },
    );
    await stack.forwarder?.stop();
    const done = await followOpsRequest(kc, 'nowake', 'unwoken', () => undefined, { timeoutMs: 120_000 });
    assert.equal(done.status?.phase, 'Successful', JSON.stringify(done.status));
    assert.equal(await maxclients(kc, 'nowake', 'rd'), '3400');
  });
});
