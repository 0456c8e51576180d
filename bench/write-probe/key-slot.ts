/**
 * Redis Cluster key → hash slot, exactly as the server computes it (cluster.c keyHashSlot):
 * CRC16/XMODEM of the key — or of the first non-empty `{…}` section of it — modulo 16384.
 * The probe uses it to pick one hash tag per shard so each writer exercises exactly one master.
 */
export const CLUSTER_SLOTS = 16384;

const CRC16_TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/** CRC16-CCITT (XMODEM: poly 0x1021, init 0), the variant Redis Cluster specifies. */
export function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!) & 0xffff;
  return crc;
}

/** The hash slot Redis assigns to `key`, honouring hash tags the way the server does. */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  const open = bytes.indexOf(0x7b); // '{'
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1); // '}'
    // An empty tag ("{}") does not count: Redis then hashes the whole key.
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % CLUSTER_SLOTS;
  }
  return crc16(bytes) % CLUSTER_SLOTS;
}

export interface SlotRange {
  start: number;
  end: number; // inclusive, as in CLUSTER SLOTS
}

/**
 * One `{tN}` hash tag per range: the smallest N (not already taken) whose tag hashes into the range.
 * Throws when a range is so small no tag below the search bound lands in it (never for real shard ranges).
 */
export function tagsForRanges(ranges: SlotRange[], searchBound = 1_000_000): string[] {
  const taken = new Set<string>();
  return ranges.map((range) => {
    for (let n = 0; n < searchBound; n++) {
      const tag = `{t${n}}`;
      const slot = keySlot(tag);
      if (slot >= range.start && slot <= range.end && !taken.has(tag)) {
        taken.add(tag);
        return tag;
      }
    }
    throw new RangeError(`no {tN} hash tag below ${searchBound} hashes into slots ${range.start}-${range.end}`);
  });
}

/** `count` equal slot ranges covering all 16384 slots (for a target that says how many shards it has). */
export function evenSlotRanges(count: number): SlotRange[] {
  if (!Number.isInteger(count) || count < 1 || count > CLUSTER_SLOTS)
    throw new RangeError(`shards must be 1..${CLUSTER_SLOTS}, got ${count}`);
  return Array.from({ length: count }, (_, i) => ({
    start: Math.floor((i * CLUSTER_SLOTS) / count),
    end: Math.floor(((i + 1) * CLUSTER_SLOTS) / count) - 1,
  }));
}
