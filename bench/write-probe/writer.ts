import { setTimeout as sleep } from 'node:timers/promises';
import { AvailabilityTracker } from './availability-tracker.ts';
import type { ProbeClient } from './clients.ts';

export type WriteOutcome = { ok: true } | { ok: false; error: string };

/**
 * One SET bounded by `timeoutMs`. The client's own promise may settle later (a hung connection); it is already
 * mapped to an outcome so it can never reject unobserved, and a late success is deliberately not counted: a
 * client with a 500 ms budget would have given up on it. (Its key is still deleted at the end.)
 */
export async function writeWithTimeout(
  client: ProbeClient,
  key: string,
  value: string,
  timeoutMs: number,
): Promise<WriteOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<WriteOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no reply within ${timeoutMs} ms` }), timeoutMs);
  });
  const written = client.set(key, value).then(
    (reply): WriteOutcome =>
      reply === 'OK' ? { ok: true } : { ok: false, error: `unexpected reply ${String(reply)}` },
    (err: unknown): WriteOutcome => ({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
  try {
    return await Promise.race([written, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export interface WriterSettings {
  keyPrefix: string;
  intervalMs: number;
  writeTimeoutMs: number;
  /** ms since probe start, from the monotonic clock. */
  now: () => number;
}

/** The key of write `seq` for `target`; `target` is a Cluster hash tag or 'primary'. */
export function probeKey(prefix: string, target: string, seq: number): string {
  return `${prefix}:${target}:${seq}`;
}

/**
 * One writer loop: SET `<prefix>:<target>:<seq>` = seq, one at a time, starting a write at most every
 * `intervalMs` (a slow or timed-out write is followed at once by the next; a fast one waits out the interval).
 */
export class TargetWriter {
  readonly target: string;
  readonly tracker: AvailabilityTracker;
  /** Sequence numbers whose SET was acknowledged in time. */
  readonly acknowledgedSeqs: number[] = [];
  nextSeq = 0;
  private readonly client: ProbeClient;
  private readonly settings: WriterSettings;

  constructor(target: string, client: ProbeClient, settings: WriterSettings) {
    this.target = target;
    this.client = client;
    this.settings = settings;
    this.tracker = new AvailabilityTracker(target);
  }

  async run(stop: AbortSignal): Promise<void> {
    const { intervalMs, writeTimeoutMs, keyPrefix, now } = this.settings;
    while (!stop.aborted) {
      const seq = this.nextSeq++;
      const issuedAt = now();
      const outcome = await writeWithTimeout(
        this.client,
        probeKey(keyPrefix, this.target, seq),
        String(seq),
        writeTimeoutMs,
      );
      const settledAt = now();
      if (outcome.ok) {
        this.tracker.recordAcknowledged(issuedAt, settledAt);
        this.acknowledgedSeqs.push(seq);
      } else {
        this.tracker.recordFailed(issuedAt, outcome.error);
      }
      const wait = intervalMs - (settledAt - issuedAt);
      if (wait > 0 && !stop.aborted) await sleepUnlessStopped(wait, stop);
    }
  }
}

async function sleepUnlessStopped(ms: number, stop: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal: stop });
  } catch (err) {
    // Only the stop signal may cut the pause short; anything else is a real error.
    if (!stop.aborted) throw err;
  }
}
