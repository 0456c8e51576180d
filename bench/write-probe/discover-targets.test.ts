import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WriteProbeTopologyError, discoverTargets, masterRanges } from './discover-targets.ts';
import type { ProbeClient } from './clients.ts';
import { keySlot } from './key-slot.ts';

describe('masterRanges', () => {
  it('keeps the largest range of each master from a CLUSTER SLOTS reply', () => {
    const reply = [
      [0, 5460, ['10.0.0.1', 6379, 'a'], ['10.0.0.4', 6379, 'd']],
      [5461, 5470, ['10.0.0.1', 6379, 'a']],
      [5471, 10922, ['10.0.0.2', 6379, 'b']],
      [10923, 16383, ['10.0.0.3', 6379, 'c']],
    ];
    assert.deepEqual(masterRanges(reply), [
      { start: 0, end: 5460 },
      { start: 5471, end: 10922 },
      { start: 10923, end: 16383 },
    ]);
  });

  it('refuses a cluster without slots', () => {
    assert.throws(() => masterRanges([]), WriteProbeTopologyError);
  });
});

describe('discoverTargets', () => {
  it("is 'primary' for Standalone and spreads tags over even ranges when the shard count is given", async () => {
    const noClient = {} as ProbeClient; // neither case talks to Redis
    assert.deepEqual(await discoverTargets({ mode: 'standalone', host: 'h', port: 1 }, noClient), ['primary']);
    const tags = await discoverTargets({ mode: 'cluster', seeds: [], shards: 2 }, noClient);
    assert.equal(tags.length, 2);
    assert.ok(keySlot(tags[0]!) < 8192 && keySlot(tags[1]!) >= 8192, tags.join(','));
  });
});
