import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc16, evenSlotRanges, keySlot, tagsForRanges } from './key-slot.ts';

describe('keySlot', () => {
  it('matches the CRC16 reference value from the Redis Cluster spec', () => {
    // Cluster spec, Appendix A: the output for "123456789" is 0x31C3.
    assert.equal(crc16(Buffer.from('123456789')), 0x31c3);
  });

  it('matches CLUSTER KEYSLOT for plain keys, hash tags and empty tags', () => {
    // Values as returned by a real `CLUSTER KEYSLOT` (documented examples in redis.io/commands/cluster-keyslot).
    assert.equal(keySlot('somekey'), 11058);
    assert.equal(keySlot('foo{hash_tag}'), 2515);
    assert.equal(keySlot('bar{hash_tag}'), 2515);
    assert.notEqual(keySlot('{}foo'), keySlot('foo'));
    assert.equal(keySlot('a{}{b}'), crc16(Buffer.from('a{}{b}')) % 16384);
  });
});

describe('tagsForRanges', () => {
  it('gives one distinct tag per range, each hashing into its range', () => {
    const ranges = evenSlotRanges(5);
    const tags = tagsForRanges(ranges);
    assert.equal(new Set(tags).size, 5);
    tags.forEach((tag, i) => {
      const slot = keySlot(`probe:${tag}:1`);
      assert.ok(slot >= ranges[i]!.start && slot <= ranges[i]!.end, `${tag} → ${slot}`);
    });
  });

  it('covers all slots with even ranges and rejects a nonsensical shard count', () => {
    const ranges = evenSlotRanges(3);
    assert.deepEqual(ranges[0], { start: 0, end: 5460 });
    assert.equal(ranges[2]!.end, 16383);
    assert.throws(() => evenSlotRanges(0), RangeError);
  });
});
