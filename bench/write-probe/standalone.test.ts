import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatProbeReport, startWriteProbe } from './write-probe.ts';
import { assertNoOrphans, restartRedis, startRedis, stopAll, stopNode } from './test-support/redis-processes.ts';

const PASSWORD = 'probe-secret';

describe('write probe against a standalone redis-server', { timeout: 60_000 }, () => {
  after(async () => {
    await stopAll();
    assertNoOrphans();
  });

  it('reports one window spanning a restart and no lost acknowledged writes', async () => {
    // appendfsync always: a SET is acknowledged only after it is on disk, so it survives the restart.
    const node = await startRedis({ config: [`requirepass ${PASSWORD}`, 'appendonly yes', 'appendfsync always'] });
    const probe = startWriteProbe(
      { mode: 'standalone', host: node.host, port: node.port, password: PASSWORD },
      { keyPrefix: 'standalone' },
    );
    await probe.waitForWrites(20, 10_000);

    await stopNode(node, 'SIGTERM');
    // The outage itself (not a timing assertion): keep the server down for about a second.
    await sleep(1000);
    await restartRedis(node);
    const before = probe.progress().acknowledged.primary ?? 0;
    await waitUntil(() => (probe.progress().acknowledged.primary ?? 0) >= before + 20, 10_000);

    const report = await probe.stop();
    console.log(formatProbeReport(report));
    assert.equal(report.windows.length, 1, JSON.stringify(report.windows));
    const [window] = report.windows;
    assert.equal(window!.target, 'primary');
    // Broad bounds: the window covers the ~1 s the server was down, plus its restart.
    assert.ok(window!.endMs - window!.startMs >= 500, `window ${JSON.stringify(window)}`);
    assert.ok(window!.endMs - window!.startMs < 5000, `window ${JSON.stringify(window)}`);
    assert.equal(report.longestUnavailableMs, window!.endMs - window!.startMs);
    assert.equal(report.lostAcknowledgedWrites, 0);
    assert.ok(report.writesFailed > 0);
    assert.equal(report.writesAttempted, report.writesAcknowledged + report.writesFailed);
    assert.deepEqual(Object.keys(report.perTarget), ['primary']);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}
