/**
 * Correct under failure: concurrent ops requests, duplicated messages, a runner restart and a forwarder crash with a
 * forced 410 Gone in the middle of a run all end in the same state, and no pod is restarted twice.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { applyObjects } from '../../infra/local/manifests.ts';
import { followOpsRequest } from '../../infra/local/ops-progress.ts';
import { waitFor } from '../../infra/local/wait.ts';
import {
  createDatabase,
  getOps,
  getRedis,
  isPaused,
  maxclients,
  reconfigure,
  runOpsRequest,
  startTestStack,
  waitDatabaseReady,
  watchPodUids,
} from './harness.ts';
import { startDuplicatingSqsProxy, type DuplicatingProxy } from './duplicating-sqs-proxy.ts';

describe('resilience', { timeout: 600_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('serializes two ops requests for one database, in creation order', async () => {
    const stack = await startTestStack();
    cleanups.push(() => stack.cleanup());
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'serial', 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'serial', 'rd');
    await applyObjects(kc, [
      reconfigure('serial', 'first', 'rd', { applyConfig: { 'redis.conf': 'maxclients 1500' }, restart: 'true' }),
      reconfigure('serial', 'second', 'rd', { applyConfig: { 'redis.conf': 'maxclients 2500' }, restart: 'true' }),
    ] as never);
    const first = await followOpsRequest(kc, 'serial', 'first', () => undefined, { timeoutMs: 120_000 });
    const second = await followOpsRequest(kc, 'serial', 'second', () => undefined, { timeoutMs: 120_000 });
    assert.equal(first.status?.phase, 'Successful', JSON.stringify(first.status));
    assert.equal(second.status?.phase, 'Successful', JSON.stringify(second.status));
    const at = (o: typeof first, type: string) =>
      Date.parse(o.status?.conditions?.find((c) => c.type === type)?.lastTransitionTime ?? 'x');
    assert.ok(
      at(second, 'DatabasePauseSucceeded') >= at(first, 'Successful'),
      'second started only after first finished',
    );
    assert.equal(await maxclients(kc, 'serial', 'rd'), '2500');
  });

  it('every message delivered twice → the same result, and the pod restarted exactly once', async () => {
    let proxy: DuplicatingProxy | undefined;
    const stack = await startTestStack({
      sqsEndpointFor: async (endpoint) => (proxy = await startDuplicatingSqsProxy(endpoint)).endpoint,
    });
    cleanups.push(async () => {
      await stack.cleanup();
      await proxy?.stop();
    });
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'dup', 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'dup', 'rd');
    const watcher = await watchPodUids(kc, 'dup', 'rd-0');
    const ops = await runOpsRequest(
      kc,
      reconfigure('dup', 'twice', 'rd', { applyConfig: { 'redis.conf': 'maxclients 3300' }, restart: 'true' }),
    );
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
    assert.equal(await maxclients(kc, 'dup', 'rd'), '3300');
    await waitDatabaseReady(kc, 'dup', 'rd');
    watcher.stop();
    assert.equal(watcher.uids.size, 2, `one replacement pod, saw uids ${[...watcher.uids].join(', ')}`);
    assert.ok((proxy?.duplicated() ?? 0) >= 4, 'messages were really duplicated');
  });

  it('the runner restarted mid-flow, every watch ended with 410 mid-flow, the forwarder crashed meanwhile → every run completes', async () => {
    const stack = await startTestStack();
    cleanups.push(() => stack.cleanup());
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'crash', 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'crash', 'rd');

    await applyObjects(kc, [
      reconfigure('crash', 'runner-restart', 'rd', {
        applyConfig: { 'redis.conf': 'maxclients 4100' },
        restart: 'true',
      }),
    ] as never);
    await waitFor(
      'the run to be past halt',
      async () => ((await getOps(kc, 'crash', 'runner-restart')).status?.phase === 'Progressing' ? true : undefined),
      { intervalMs: 20 },
    );
    await stack.restartRunner();
    const first = await followOpsRequest(kc, 'crash', 'runner-restart', () => undefined, { timeoutMs: 180_000 });
    assert.equal(first.status?.phase, 'Successful', JSON.stringify(first.status));
    assert.equal(await maxclients(kc, 'crash', 'rd'), '4100');

    // During a run: every open watch (the forwarder's, the controllers') ends with 410 Gone, then the forwarder is
    // killed; a second request is created while it is down, and its restarted watch answers 410 again.
    await applyObjects(kc, [
      reconfigure('crash', 'during-410', 'rd', { applyConfig: { 'redis.conf': 'maxclients 4150' }, restart: 'true' }),
    ] as never);
    await waitFor(
      'the run to be past halt',
      async () => ((await getOps(kc, 'crash', 'during-410')).status?.phase === 'Progressing' ? true : undefined),
      { intervalMs: 20 },
    );
    stack.api.faults.forceGone();
    await stack.forwarder?.stop({ kill: true });
    await applyObjects(kc, [
      reconfigure('crash', 'forwarder-restart', 'rd', {
        applyConfig: { 'redis.conf': 'maxclients 4200' },
        restart: 'true',
      }),
    ] as never);
    stack.api.faults.forceGone(1);
    stack.forwarder?.start();
    const during = await followOpsRequest(kc, 'crash', 'during-410', () => undefined, { timeoutMs: 180_000 });
    assert.equal(during.status?.phase, 'Successful', JSON.stringify(during.status));
    const second = await followOpsRequest(kc, 'crash', 'forwarder-restart', () => undefined, { timeoutMs: 180_000 });
    assert.equal(second.status?.phase, 'Successful', JSON.stringify(second.status));
    assert.equal(await maxclients(kc, 'crash', 'rd'), '4200');
    assert.equal(isPaused(await getRedis(kc, 'crash', 'rd')), false);
  });
});
