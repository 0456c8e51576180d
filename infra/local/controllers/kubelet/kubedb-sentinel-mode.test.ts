/**
 * The sentinel-mode start's optional `sleep 5` (KubeDB's on-start.sh): with it, nothing — not even looking for the
 * sentinels — happens before the sleep is over; without it, the start goes straight to the sentinels.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { planSentinelModeRedisStart } from './kubedb-sentinel-mode.ts';
import type { StartContext } from './start-context.ts';

async function firstSentinelLookupAfter(sleepMs: number): Promise<number> {
  const started = performance.now();
  let firstLookup: number | undefined;
  const abort = new AbortController();
  const ctx = {
    pod: { metadata: { name: 'rd-1', namespace: 'demo' }, spec: { hostname: 'rd-1' } } as V1Pod,
    image: 'redis:7',
    mounts: new Map(),
    env: {
      SENTINEL_GOVERNING_SERVICE: 'sen-pods.demo',
      SENTINEL_NAME: 'sen',
      SENTINEL_REPLICAS: '1',
      REDIS_CLUSTER_REGISTERED_NAME: 'demo/rd',
      DATABASE_NAME: 'rd',
    },
    containerArgs: [],
    podIP: '127.0.0.1',
    podRoot: '/nonexistent',
    directory: {
      podIP: () => {
        firstLookup ??= performance.now() - started;
        abort.abort(); // enough: the start has reached the sentinels
        return undefined;
      },
    },
    scripts: { sentinelStartSleepMs: sleepMs },
    signal: abort.signal,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
  } as unknown as StartContext;
  setTimeout(() => abort.abort(), 5000).unref();
  await planSentinelModeRedisStart(ctx).catch(() => undefined);
  assert.ok(firstLookup !== undefined, 'the start looked for the sentinels');
  return firstLookup;
}

void describe("sentinel-mode start: KubeDB's sleep 5", () => {
  void it('waits the configured time before looking for the sentinels, and not at all by default', async () => {
    const withSleep = await firstSentinelLookupAfter(300);
    const without = await firstSentinelLookupAfter(0);
    assert.ok(withSleep >= 290, `looked after ${withSleep} ms`); // a lower bound only: timers never fire early
    assert.ok(without < withSleep, `without the sleep it looked after ${without} ms`);
  });
});
