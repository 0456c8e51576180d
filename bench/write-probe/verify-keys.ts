/**
 * After the disruption: read back every acknowledged key through a fresh client, then delete every key the
 * probe may have written. Reads are batched per target with MGET — all of a target's keys share its hash tag,
 * so in Cluster mode each batch lives in one slot (no CROSSSLOT) — and retried while the topology settles.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeClient } from './clients.ts';
import { probeKey } from './writer.ts';

const BATCH = 500;
const RETRY_PAUSE_MS = 200;

export class WriteProbeVerificationError extends Error {
  override name = 'WriteProbeVerificationError';
}

export interface TargetKeys {
  target: string;
  acknowledgedSeqs: number[];
  /** Every seq below this was attempted (and may have been written even if not acknowledged). */
  attemptedCount: number;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `op` until it succeeds or `deadline` (performance.now()) passes; then rethrows the last error. */
async function retryUntil<T>(deadline: number, what: string, op: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await op();
    } catch (err) {
      if (performance.now() + RETRY_PAUSE_MS > deadline) {
        throw new WriteProbeVerificationError(`${what}: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      await sleep(RETRY_PAUSE_MS);
    }
  }
}

async function missingSeqs(
  client: ProbeClient,
  prefix: string,
  target: string,
  seqs: number[],
  deadline: number,
): Promise<number[]> {
  const missing: number[] = [];
  for (const batch of chunks(seqs, BATCH)) {
    const keys = batch.map((seq) => probeKey(prefix, target, seq));
    const values = await retryUntil(deadline, `reading back ${keys.length} keys of ${target}`, () => client.mget(keys));
    batch.forEach((seq, i) => {
      if (values[i] !== String(seq)) missing.push(seq);
    });
  }
  return missing;
}

/**
 * Counts acknowledged writes whose value is missing or different. Keys found missing are read again twice,
 * a moment apart, so a read that raced a node still taking over its role is not reported as a lost write.
 */
export async function countLostWrites(
  client: ProbeClient,
  prefix: string,
  targets: TargetKeys[],
  timeoutMs: number,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let lost = 0;
  for (const { target, acknowledgedSeqs } of targets) {
    let missing = await missingSeqs(client, prefix, target, acknowledgedSeqs, deadline);
    for (let reread = 0; reread < 2 && missing.length > 0; reread++) {
      await sleep(RETRY_PAUSE_MS);
      missing = await missingSeqs(client, prefix, target, missing, deadline);
    }
    lost += missing.length;
  }
  return lost;
}

/** Deletes every key the probe attempted to write (a timed-out SET may still have landed). */
export async function deleteProbeKeys(
  client: ProbeClient,
  prefix: string,
  targets: TargetKeys[],
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (const { target, attemptedCount } of targets) {
    const seqs = Array.from({ length: attemptedCount }, (_, seq) => seq);
    for (const batch of chunks(seqs, BATCH)) {
      const keys = batch.map((seq) => probeKey(prefix, target, seq));
      await retryUntil(deadline, `deleting ${keys.length} keys of ${target}`, () => client.del(keys));
    }
  }
}
