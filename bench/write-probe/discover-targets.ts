import type { ProbeClient } from './clients.ts';
import { evenSlotRanges, tagsForRanges } from './key-slot.ts';
import type { SlotRange } from './key-slot.ts';
import type { ProbeTarget } from './types.ts';

export class WriteProbeTopologyError extends Error {
  override name = 'WriteProbeTopologyError';
}

/** One entry of a CLUSTER SLOTS reply: [start, end, [masterHost, masterPort, masterId, …], …replicas]. */
type SlotsEntry = [number, number, [string, number, string?, ...unknown[]], ...unknown[]];

/** The largest slot range of each master, from CLUSTER SLOTS (a master may own several ranges). */
export function masterRanges(reply: unknown): SlotRange[] {
  if (!Array.isArray(reply) || reply.length === 0)
    throw new WriteProbeTopologyError('CLUSTER SLOTS returned no slot ranges');
  const largest = new Map<string, SlotRange>();
  for (const entry of reply as SlotsEntry[]) {
    const [start, end, master] = entry;
    const id = master[2] ?? `${master[0]}:${master[1]}`;
    const known = largest.get(id);
    if (!known || end - start > known.end - known.start) largest.set(id, { start: Number(start), end: Number(end) });
  }
  return [...largest.values()].sort((a, b) => a.start - b.start);
}

/**
 * The names the writers write under: 'primary' for Standalone / Sentinel; for Cluster one `{tN}` hash tag per
 * shard — spread over even ranges when the target says how many shards, else one per master of CLUSTER SLOTS.
 */
export async function discoverTargets(target: ProbeTarget, client: ProbeClient): Promise<string[]> {
  if (target.mode !== 'cluster') return ['primary'];
  if (target.shards !== undefined) return tagsForRanges(evenSlotRanges(target.shards));
  const reply: unknown = await client.call('CLUSTER', 'SLOTS');
  return tagsForRanges(masterRanges(reply));
}
