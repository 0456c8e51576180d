import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatProbeReport, startWriteProbe } from './index.ts';
import { assertNoOrphans, stopAll } from './test-support/redis-processes.ts';
import { command, role, sentinelPrimary, startSentinelGroup, waitFor } from './test-support/redis-topologies.ts';

const PASSWORD = 'probe-secret';
const SENTINEL_PASSWORD = 'sentinel-secret';

describe('write probe against Redis Sentinel (1 primary, 2 replicas, 3 Sentinels)', { timeout: 120_000 }, () => {
  after(async () => {
    await stopAll();
    assertNoOrphans();
  });

  it('follows SENTINEL FAILOVER to the new primary and reports lost writes', async () => {
    const group = await startSentinelGroup(PASSWORD, SENTINEL_PASSWORD);
    const probe = startWriteProbe(
      {
        mode: 'sentinel',
        sentinels: group.sentinels.map((s) => ({ host: s.host, port: s.port })),
        masterName: group.masterName,
        password: PASSWORD,
        sentinelPassword: SENTINEL_PASSWORD,
      },
      { keyPrefix: 'sentinel-failover' },
    );
    await probe.waitForWrites(20, 15_000);
    const oldPrimary = `${group.primary.host}:${group.primary.port}`;

    // SENTINEL FAILOVER forces a failover without asking the other Sentinels for agreement.
    await command(group.sentinels[0]!, SENTINEL_PASSWORD, 'SENTINEL', 'FAILOVER', group.masterName);
    await waitFor(
      'Sentinels name a new primary',
      20_000,
      async () => (await sentinelPrimary(group, SENTINEL_PASSWORD)) !== oldPrimary,
    );
    const newPrimaryAddr = await sentinelPrimary(group, SENTINEL_PASSWORD);
    const newPrimary = group.replicas.find((r) => `${r.host}:${r.port}` === newPrimaryAddr);
    assert.ok(newPrimary, `new primary ${newPrimaryAddr} is one of the replicas`);
    await waitFor('the old primary is demoted', 20_000, async () => (await role(group.primary, PASSWORD)) === 'slave');

    // Writes acknowledged after the switch can only have been acknowledged by the new primary.
    const atSwitch = probe.progress().acknowledged.primary ?? 0;
    await waitFor('probe writes again', 20_000, () => (probe.progress().acknowledged.primary ?? 0) >= atSwitch + 30);
    const recentKey = `sentinel-failover:primary:${probe.progress().acknowledged.primary ?? 0}`;
    const report = await probe.stop();
    console.log(`SENTINEL FAILOVER ${oldPrimary} → ${newPrimaryAddr}:\n${formatProbeReport(report)}`);

    assert.deepEqual(Object.keys(report.perTarget), ['primary']);
    assert.ok(report.writesAcknowledged >= atSwitch + 30);
    // The probe deleted its keys through the new primary; nothing of it remains there.
    assert.equal(await command(newPrimary, PASSWORD, 'EXISTS', recentKey), 0);
    assert.equal(await command(newPrimary, PASSWORD, 'DBSIZE'), 0);
    // A forced failover can drop writes the old primary acknowledged before it was demoted: reported, not asserted.
    assert.ok(Number.isInteger(report.lostAcknowledgedWrites) && report.lostAcknowledgedWrites >= 0);
  });
});
