/**
 * A keyed work queue with client-go workqueue semantics: a key is processed by at most one worker at a time, adds
 * while it is queued collapse into one, an add while it is being processed runs it once more afterwards, and a
 * failing key is retried with per-key capped exponential backoff (reset on success).
 */
import { isConflict } from './kube.ts';
import type { Logger } from './log.ts';

/** A reconcile may ask to be called again later (polling something the API does not notify about). */
export type ReconcileResult = void | { requeueAfterMs: number };

export interface WorkQueueOptions {
  name: string;
  reconcile: (key: string) => Promise<ReconcileResult>;
  log: Logger;
  concurrency?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export class WorkQueue {
  private readonly opts: WorkQueueOptions;
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(opts: WorkQueueOptions) {
    this.opts = opts;
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    this.timers.set(key, timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
    await Promise.all([...this.running]);
  }

  private pump(): void {
    const concurrency = this.opts.concurrency ?? 4;
    while (!this.stopped && this.running.size < concurrency && this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.processing.add(key);
      const job = this.process(key);
      this.running.add(job);
      void job.finally(() => {
        this.running.delete(job);
        this.processing.delete(key);
        if (this.dirty.delete(key)) this.add(key);
        this.pump();
      });
    }
  }

  private async process(key: string): Promise<void> {
    const { initialMs, maxMs } = this.opts.backoff ?? { initialMs: 20, maxMs: 5000 };
    try {
      const result = await this.opts.reconcile(key);
      this.failures.delete(key);
      if (result && !this.stopped) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      if (this.stopped) return;
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      const delay = Math.min(initialMs * 2 ** (n - 1), maxMs);
      // 409 is the optimistic-concurrency contract working as intended: re-read and retry, not worth a warning.
      if (!isConflict(err))
        this.opts.log.warn(`${this.opts.name}: reconcile ${key} failed; retry in ${delay}ms`, { err });
      this.addAfter(key, delay);
    }
  }
}
