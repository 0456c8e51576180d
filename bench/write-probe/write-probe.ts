/**
 * Write-availability probe: what clients see while a Redis database restarts its pods one by one.
 * One writer per target (the primary, or one per Cluster shard) issues SETs every `intervalMs`, each bounded
 * by `writeTimeoutMs`; failures form unavailability windows on a monotonic clock; `stop()` then checks that
 * every acknowledged write survived.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  closeProbeClient,
  createVerifierClient,
  createWriterClient,
  knownClusterNodes,
  waitUntilReady,
} from './clients.ts';
import type { ProbeClient } from './clients.ts';
import { discoverTargets } from './discover-targets.ts';
import { countLostWrites, deleteProbeKeys } from './verify-keys.ts';
import type { TargetKeys } from './verify-keys.ts';
import { TargetWriter } from './writer.ts';
import type { ProbeOptions, ProbeProgress, ProbeReport, ProbeTarget, WriteProbe } from './types.ts';

export type { ProbeOptions, ProbeProgress, ProbeReport, ProbeTarget, WriteProbe } from './types.ts';
export { formatProbeReport } from './format-report.ts';

const VERIFY_TIMEOUT_MS = 20_000;

export class WriteProbeError extends Error {
  override name = 'WriteProbeError';
}

interface Running {
  client: ProbeClient;
  writers: TargetWriter[];
  loops: Promise<void[]>;
}

type Startup = { running: Running } | { error: unknown };

function resolveOptions(opts: ProbeOptions): Required<ProbeOptions> {
  const resolved = {
    intervalMs: opts.intervalMs ?? 10,
    writeTimeoutMs: opts.writeTimeoutMs ?? 500,
    keyPrefix: opts.keyPrefix ?? `write-probe:${randomUUID().slice(0, 8)}`,
    startupTimeoutMs: opts.startupTimeoutMs ?? 10_000,
  };
  if (!(resolved.intervalMs > 0) || !(resolved.writeTimeoutMs > 0))
    throw new WriteProbeError('intervalMs and writeTimeoutMs must be positive');
  // A brace in the prefix would become the key's hash tag and send every target to the same Cluster slot.
  if (/[{}]/.test(resolved.keyPrefix))
    throw new WriteProbeError(`keyPrefix must not contain '{' or '}': ${resolved.keyPrefix}`);
  return resolved;
}

export function startWriteProbe(target: ProbeTarget, opts: ProbeOptions = {}): WriteProbe {
  const settings = resolveOptions(opts);
  const origin = performance.now();
  const now = (): number => performance.now() - origin;
  const stopWriters = new AbortController();
  const client = createWriterClient(target, settings);
  // Connection errors also surface as failed writes (which the report records); ioredis re-emits them as
  // 'error' events, which would otherwise be printed as "Unhandled error event" on every reconnect attempt.
  let clientErrorEvents = 0;
  client.on('error', () => {
    clientErrorEvents++;
  });

  const begin = async (): Promise<Running> => {
    await waitUntilReady(client, settings.startupTimeoutMs, `write probe (${target.mode})`);
    const names = await discoverTargets(target, client);
    const writers = names.map((name) => new TargetWriter(name, client, { ...settings, now }));
    return { client, writers, loops: Promise.all(writers.map((w) => w.run(stopWriters.signal))) };
  };
  // Settled into a value so a failed start never becomes an unhandled rejection; stop() rethrows it.
  const startup: Promise<Startup> = begin().then(
    (running) => ({ running }),
    (error: unknown) => ({ error }),
  );
  let current: Running | undefined;
  void startup.then((s) => {
    if ('running' in s) current = s.running;
  });

  const progress = (): ProbeProgress => {
    const writers = current?.writers ?? [];
    return {
      acknowledged: Object.fromEntries(writers.map((w) => [w.target, w.tracker.acknowledged])),
      failed: Object.fromEntries(writers.map((w) => [w.target, w.tracker.failed])),
    };
  };

  return {
    progress,
    async waitForWrites(minAcknowledged, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      const s = await startup;
      if ('error' in s) throw s.error;
      const pollMs = Math.max(settings.intervalMs, 50);
      while (!s.running.writers.every((w) => w.tracker.acknowledged >= minAcknowledged)) {
        if (performance.now() > deadline) {
          throw new WriteProbeError(
            `fewer than ${minAcknowledged} acknowledged writes per target after ${timeoutMs} ms: ${JSON.stringify(progress())}`,
          );
        }
        await sleep(pollMs);
      }
      return progress();
    },
    async stop(options = {}) {
      stopWriters.abort();
      const s = await startup;
      let extraSeeds: Array<{ host: string; port: number }> = [];
      try {
        if ('error' in s) throw s.error;
        await s.running.loops;
        extraSeeds = knownClusterNodes(client);
      } finally {
        closeProbeClient(client);
      }
      const stoppedAt = now();
      for (const w of s.running.writers) w.tracker.closeAt(stoppedAt);
      const report = await verifyAndReport(
        target,
        settings.keyPrefix,
        s.running.writers,
        extraSeeds,
        options.keepKeys === true,
      );
      return { ...report, clientErrorEvents };
    },
  };
}

async function verifyAndReport(
  target: ProbeTarget,
  keyPrefix: string,
  writers: TargetWriter[],
  extraSeeds: Array<{ host: string; port: number }>,
  keepKeys: boolean,
): Promise<Omit<ProbeReport, 'clientErrorEvents'>> {
  const keys: TargetKeys[] = writers.map((w) => ({
    target: w.target,
    acknowledgedSeqs: w.acknowledgedSeqs,
    attemptedCount: w.nextSeq,
  }));
  const verifier = createVerifierClient(target, extraSeeds);
  // Failures that matter surface from the commands below (retried, then thrown); the events are duplicates.
  let lastVerifierError: unknown;
  verifier.on('error', (err: unknown) => {
    lastVerifierError = err;
  });
  try {
    await waitUntilReady(verifier, VERIFY_TIMEOUT_MS, `write probe verifier (${target.mode})`);
    const lost = await countLostWrites(verifier, keyPrefix, keys, VERIFY_TIMEOUT_MS);
    if (!keepKeys) await deleteProbeKeys(verifier, keyPrefix, keys, VERIFY_TIMEOUT_MS);
    return buildReport(writers, lost);
  } catch (err) {
    throw new WriteProbeError(`verifying the probe's writes failed (last client error: ${String(lastVerifierError)})`, {
      cause: err,
    });
  } finally {
    closeProbeClient(verifier);
  }
}

export function buildReport(
  writers: TargetWriter[],
  lostAcknowledgedWrites: number,
): Omit<ProbeReport, 'clientErrorEvents'> {
  const perTarget = Object.fromEntries(writers.map((w) => [w.target, w.tracker.summary()]));
  const windows = writers.flatMap((w) => w.tracker.windows).sort((a, b) => a.startMs - b.startMs);
  const lengths = windows.map((w) => w.endMs - w.startMs);
  return {
    writesAttempted: writers.reduce((n, w) => n + w.tracker.attempted, 0),
    writesAcknowledged: writers.reduce((n, w) => n + w.tracker.acknowledged, 0),
    writesFailed: writers.reduce((n, w) => n + w.tracker.failed, 0),
    longestUnavailableMs: Math.max(0, ...lengths),
    totalUnavailableMs: lengths.reduce((sum, l) => sum + l, 0),
    windows,
    lostAcknowledgedWrites,
    perTarget,
  };
}
