/**
 * Turns ListWatch events into step messages, following announce-policy.ts — to halt while halt is due, to recover
 * after (announceTo) — and re-announces every live ops request each resync period.
 */
import { newStepMessage, subjectOf } from '../../shared/messages/step-message.ts';
import { describeIssues } from '../../shared/messages/parse.ts';
import * as z from 'zod';
import {
  announceTo,
  decideOnAdded,
  decideOnModified,
  decideOnResync,
  isLive,
  readOpsRequest,
  traceIdFor,
  type AnnounceTarget,
  type Decision,
  type WatchedOpsRequest,
} from './announce-policy.ts';
import { systemClock, type Clock, type TimerHandle } from '../../shared/time/clock.ts';
import { decideOnDeleted } from './deleted-ops-requests.ts';
import type { KubeObject } from '../../shared/adapters/kube/list-watch-source.ts';
import type { ListWatchEvent } from '../../shared/adapters/kube/list-watch.ts';
import { silentLogger, type Logger } from '../../shared/logging.ts';
import { formatTraceparent, startTraceFor } from '../../shared/observability/trace-context.ts';
import type { Counters } from './metrics.ts';
import type { OutgoingMessage } from './sqs-batch-sender.ts';

export interface AnnouncerOptions {
  clusterId: string;
  resyncMs: number;
  send: (target: AnnounceTarget, message: OutgoingMessage) => void;
  counters: Counters;
  clock?: Clock;
  logger?: Logger;
}

export const forwarderSource = (clusterId: string): string => `urn:redis-reconfigure:forwarder:${clusterId}`;

export class Announcer {
  readonly #opts: AnnouncerOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  /** Live (non-terminal Reconfigure) ops requests by uid: the resync set. */
  readonly #live = new Map<string, WatchedOpsRequest>();
  #resyncTimer: TimerHandle | undefined;

  constructor(opts: AnnouncerOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.logger ?? silentLogger;
  }

  get liveCount(): number {
    return this.#live.size;
  }

  startResync(): void {
    this.#resyncTimer?.cancel();
    this.#resyncTimer = this.#clock.setTimer(this.#opts.resyncMs, () => {
      this.resync();
      this.startResync();
    });
  }

  stopResync(): void {
    this.#resyncTimer?.cancel();
    this.#resyncTimer = undefined;
  }

  /** Announces every live ops request again (a lost or dead-lettered message can never strand one). */
  resync(): void {
    this.#opts.counters.resyncs++;
    for (const o of this.#live.values()) this.#act(o, decideOnResync(o));
  }

  readonly handle = (event: ListWatchEvent<KubeObject>): void => {
    if (event.type === 'synced') {
      this.#log.info('synced', { objects: event.objects.length, live: this.#live.size });
      return;
    }
    const read = this.#read(event.object);
    if (read === undefined) return;
    if (event.type === 'deleted') {
      this.#live.delete(read.metadata.uid);
      const deleted = decideOnDeleted(read);
      this.#act(read, deleted.decision, deleted.target);
      return;
    }
    this.#track(read);
    if (event.type === 'added') {
      this.#opts.counters.opsRequestsSeen++;
      this.#act(read, decideOnAdded(read));
      return;
    }
    const old = readOpsRequest(event.old);
    this.#act(read, old.ok ? decideOnModified(old.opsRequest, read) : decideOnAdded(read));
  };

  #read(object: unknown): WatchedOpsRequest | undefined {
    const result = readOpsRequest(object);
    if (result.ok) return result.opsRequest;
    this.#opts.counters.opsRequestsInvalid++;
    const meta = (object as KubeObject | undefined)?.metadata;
    this.#log.error('unreadable RedisOpsRequest ignored', {
      namespace: meta?.namespace,
      name: meta?.name,
      error: result.error,
    });
    return undefined;
  }

  #track(o: WatchedOpsRequest): void {
    if (isLive(o)) this.#live.set(o.metadata.uid, o);
    else this.#live.delete(o.metadata.uid);
  }

  #act(o: WatchedOpsRequest, decision: Decision, target: AnnounceTarget = announceTo(o)): void {
    if (!decision.announce) {
      if (decision.reason === 'not-reconfigure') this.#opts.counters.opsRequestsIgnored++;
      return;
    }
    const { clusterId } = this.#opts;
    const data = {
      version: 1 as const,
      clusterId,
      namespace: o.metadata.namespace,
      opsRequest: { name: o.metadata.name, uid: o.metadata.uid },
      step: target,
      attempt: 0,
      traceId: traceIdFor(o.metadata.uid),
    };
    const subject = subjectOf(data);
    // The forwarder starts the ops request's trace: its trace id from the uid, a new span per announcement.
    const traceparent = formatTraceparent(startTraceFor(o.metadata.uid));
    let body: string;
    try {
      body = JSON.stringify(
        newStepMessage(data, forwarderSource(clusterId), new Date(this.#clock.now()), { traceparent }),
      );
    } catch (err) {
      this.#opts.counters.opsRequestsInvalid++;
      const detail = err instanceof z.ZodError ? describeIssues(err) : String(err);
      this.#log.error('cannot build a step message for this ops request', {
        subject,
        traceId: data.traceId,
        error: detail,
      });
      return;
    }
    this.#log.debug('announce', { subject, traceId: data.traceId, traceparent, reason: decision.reason, to: target });
    this.#opts.send(target, { body, subject });
  }
}
