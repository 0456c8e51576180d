/**
 * Batches step messages into SQS SendMessageBatch calls (≤ 10 entries, SQS's per-call limit), flushed when a batch
 * is full or after a short linger so a burst (the initial list of a busy cluster) costs one call per ten messages.
 *
 * SendMessageBatch succeeds or fails per entry: failed entries are retried with backoff a bounded number of times,
 * then counted and logged with the ops request's subject. A message is never dropped silently, and nothing is lost
 * for good either: the next resync announces every live ops request again.
 *
 * At most `maxInFlight` batches are with SQS at a time (a window, retries included); the rest wait in `pending` as
 * plain strings. Without the window, a backlog (the first list of 10,000 ops requests) became 1,000 concurrent SDK
 * calls, each holding its serialized request, signature and socket wait: the bulk of the forwarder's peak memory
 * (docs/benchmarks.md, "Forwarder alone"). A full window is also the backpressure on a slow or failing queue.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Backoff, type BackoffPolicy } from '../../shared/time/backoff.ts';
import { delay, systemClock, type Clock, type TimerHandle } from '../../shared/time/clock.ts';
import { silentLogger, type Logger } from '../../shared/logging.ts';

export const SQS_MAX_BATCH = 10;

export interface OutgoingMessage {
  body: string;
  /** `cluster/namespace/name`, for logs. */
  subject: string;
}

export interface BatchEntry {
  id: string;
  body: string;
}

export interface BatchFailure {
  id: string;
  code: string;
  message: string;
  /** SQS's SenderFault: the entry itself is bad (e.g. too large); retrying cannot help. */
  senderFault: boolean;
}

/** Sends one batch; resolves with the failed entries, rejects if the whole call failed. */
export type SendBatch = (entries: BatchEntry[]) => Promise<BatchFailure[]>;

export function sqsSendBatch(client: SQSClient, queueUrl: string): SendBatch {
  return async (entries) => {
    const out = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries.map((e) => ({ Id: e.id, MessageBody: e.body })),
      }),
    );
    return (out.Failed ?? []).map((f) => ({
      id: f.Id ?? '',
      code: f.Code ?? 'Unknown',
      message: f.Message ?? '',
      senderFault: f.SenderFault === true,
    }));
  };
}

/** Batches in flight per sender: 16 × 10 messages per round trip is ~8,000 messages/s at a 20 ms SendMessageBatch. */
const MAX_IN_FLIGHT_BATCHES = 16;

export const SEND_RETRY_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 5_000, factor: 2, jitter: 0.3 };

export interface SqsBatchSenderOptions {
  send: SendBatch;
  clock?: Clock;
  lingerMs?: number;
  /** Batches with SQS at once (default MAX_IN_FLIGHT_BATCHES). */
  maxInFlight?: number;
  /** Attempts per message, including the first. */
  maxAttempts?: number;
  retryBackoff?: BackoffPolicy;
  random?: () => number;
  logger?: Logger;
  onSent?: (count: number) => void;
  onFailed?: (message: OutgoingMessage, reason: string) => void;
}

export class SqsBatchSender {
  readonly #send: SendBatch;
  readonly #clock: Clock;
  readonly #lingerMs: number;
  readonly #maxAttempts: number;
  readonly #maxInFlight: number;
  readonly #opts: SqsBatchSenderOptions;
  readonly #log: Logger;
  #pending: OutgoingMessage[] = [];
  #linger: TimerHandle | undefined;
  /** A partial batch may go: its linger is over, or a flush asked for everything. Reset once nothing is pending. */
  #partialDue = false;
  readonly #inFlight = new Set<Promise<void>>();
  /** Aborted when a bounded drain runs out of time: retries stop waiting and give up. */
  readonly #giveUp = new AbortController();

  constructor(opts: SqsBatchSenderOptions) {
    this.#send = opts.send;
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#lingerMs = opts.lingerMs ?? 50;
    this.#maxAttempts = opts.maxAttempts ?? 5;
    this.#maxInFlight = opts.maxInFlight ?? MAX_IN_FLIGHT_BATCHES;
    this.#log = opts.logger ?? silentLogger;
  }

  get pending(): number {
    return this.#pending.length;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  enqueue(message: OutgoingMessage): void {
    this.#pending.push(message);
    this.#pump();
  }

  /** Sends everything pending now and waits until every batch (with its retries) has settled. */
  async flush(): Promise<void> {
    this.#partialDue = true;
    this.#pump();
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /** Flushes within `timeoutMs`; after that, retries give up (counted as failures). Resolves true if all settled. */
  async drain(timeoutMs: number): Promise<boolean> {
    const timeout = new AbortController();
    const flushed = this.flush().then(() => true);
    const expired = delay(this.#clock, timeoutMs, timeout.signal).then(() => false);
    const inTime = await Promise.race([flushed, expired]);
    timeout.abort();
    if (!inTime) {
      this.#giveUp.abort();
      await flushed;
    }
    return inTime;
  }

  /** Drops what has not been handed to SQS yet (leadership lost: the next leader announces them). */
  discardPending(): number {
    this.#linger?.cancel();
    this.#linger = undefined;
    this.#partialDue = false;
    const dropped = this.#pending.length;
    this.#pending = [];
    return dropped;
  }

  /**
   * Hands batches to SQS while the window has room: full ones at once, a partial one once its linger is over.
   * Called on every enqueue, at the linger's end and whenever a batch settles (which frees a slot).
   */
  #pump(): void {
    while (this.#pending.length > 0 && this.#inFlight.size < this.#maxInFlight) {
      if (this.#pending.length < SQS_MAX_BATCH && !this.#partialDue) break;
      const batch = this.#pending.splice(0, SQS_MAX_BATCH);
      const sending: Promise<void> = this.#sendWithRetries(batch).finally(() => {
        this.#inFlight.delete(sending);
        this.#pump();
      });
      this.#inFlight.add(sending);
    }
    if (this.#pending.length === 0) {
      this.#partialDue = false;
      this.#linger?.cancel();
      this.#linger = undefined;
    } else if (!this.#partialDue) {
      this.#linger ??= this.#clock.setTimer(this.#lingerMs, () => {
        this.#linger = undefined;
        this.#partialDue = true;
        this.#pump();
      });
    }
  }

  async #sendWithRetries(batch: OutgoingMessage[]): Promise<void> {
    const backoff = new Backoff(this.#opts.retryBackoff ?? SEND_RETRY_BACKOFF, this.#opts.random);
    let remaining = batch;
    for (let attempt = 1; remaining.length > 0; attempt++) {
      const failures = await this.#attempt(remaining);
      const retry: OutgoingMessage[] = [];
      for (const { message, failure } of failures) {
        const reason = `${failure.code}: ${failure.message}`;
        if (failure.senderFault || attempt >= this.#maxAttempts || this.#giveUp.signal.aborted)
          this.#failed(message, reason, attempt);
        else retry.push(message);
      }
      this.#opts.onSent?.(remaining.length - failures.length);
      remaining = retry;
      if (remaining.length > 0) await delay(this.#clock, backoff.next(), this.#giveUp.signal);
    }
  }

  /** One SendMessageBatch call. Entry Ids are the index in this call: unique per batch, as SQS requires. */
  async #attempt(messages: OutgoingMessage[]): Promise<Array<{ message: OutgoingMessage; failure: BatchFailure }>> {
    const entries = messages.map((m, i) => ({ id: `m${i}`, body: m.body }));
    let failures: BatchFailure[];
    try {
      failures = await this.#send(entries);
    } catch (err) {
      this.#log.warn('SendMessageBatch failed', { err, entries: entries.length });
      const e = err as { name?: string; message?: string };
      failures = entries.map((entry) => ({
        id: entry.id,
        code: e.name ?? 'Error',
        message: e.message ?? String(err),
        senderFault: false,
      }));
    }
    return failures.map((failure) => {
      const message = messages[Number(failure.id.slice(1))];
      if (message === undefined)
        throw new Error(`SendMessageBatch reported a failure for unknown entry Id ${failure.id}`);
      return { message, failure };
    });
  }

  #failed(message: OutgoingMessage, reason: string, attempts: number): void {
    this.#log.error('step message not sent; the next resync announces it again', {
      subject: message.subject,
      reason,
      attempts,
    });
    this.#opts.onFailed?.(message, reason);
  }
}
