/**
 * Wake-ups from the cluster (docs/adr/0013-wake-ups.md): the forwarder watches what waiting steps wait for — the
 * pods of databases with an ops request in progress, the Redis objects, the other ops requests — and sends the
 * waiting step its message (`messageFor`, the one due-step → message mapping, flagged `wake`) the moment that
 * changes, instead of the step finding out at its next delayed look.
 *
 * - Only ops requests that wait are tracked (awaitedBy), indexed by database: memory follows what is in progress.
 * - One wake-up per change: each is summed up as a cause (wake-up-policy.ts) and an ops request is woken once per
 *   cause while it waits for the same thing; the causes are forgotten when what it waits for changes.
 * - Coalesced: the changes seen in one turn of the event loop wake each ops request at most once.
 * - A hint only: the handler re-reads the cluster, and one that finds its step still waiting sends nothing.
 */
import { formatTraceparent, startTraceFor } from '../../shared/observability/trace-context.ts';
import { newStepMessage } from '../../shared/messages/step-message.ts';
import { messageFor } from '../../shared/steps/dispatch.ts';
import type { KubeObject } from '../../shared/adapters/kube/list-watch-source.ts';
import type { ListWatchEvent } from '../../shared/adapters/kube/list-watch.ts';
import { systemClock, type Clock, type TimerHandle } from '../../shared/time/clock.ts';
import { silentLogger, type Logger } from '../../shared/logging.ts';
import { isLive, readOpsRequest, traceIdFor, type WatchedOpsRequest } from './announce-policy.ts';
import { forwarderSource } from './announcer.ts';
import type { Counters } from './metrics.ts';
import type { OutgoingMessage } from './sqs-batch-sender.ts';
import {
  alreadyBack,
  awaitedBy,
  INSTANCE_LABEL,
  podCause,
  redisCause,
  type Awaited,
  type SlimPod,
  type SlimRedis,
} from './wake-up-policy.ts';

export type WakeTarget = 'halt' | 'restart-pod';

export interface WakeUpsOptions {
  clusterId: string;
  send: (target: WakeTarget, message: OutgoingMessage) => void;
  /** The pods ListWatch cache (`namespace/name`), to see whether an awaited pod is already back. */
  pod: (key: string) => SlimPod | undefined;
  counters: Counters;
  clock?: Clock;
  logger?: Logger;
}

interface Waiting {
  ops: WatchedOpsRequest;
  db: string;
  awaited: Awaited;
  /** What `awaited` was when the causes below were recorded. */
  awaitedKey: string;
  causes: Set<string>;
}

const dbKey = (namespace: string, name: string): string => `${namespace}/${name}`;

export class WakeUps {
  readonly #opts: WakeUpsOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  /** Waiting ops requests by uid, and their uids by database. */
  readonly #waiting = new Map<string, Waiting>();
  readonly #byDb = new Map<string, Set<string>>();
  /** Ops requests to wake at the end of this turn. */
  readonly #pending = new Set<string>();
  #flush: TimerHandle | undefined;

  constructor(opts: WakeUpsOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.logger ?? silentLogger;
  }

  /** How many ops requests wait now (tests, metrics). */
  get waitingCount(): number {
    return this.#waiting.size;
  }

  readonly onOpsEvent = (event: ListWatchEvent<KubeObject>): void => {
    if (event.type === 'synced') return;
    const read = readOpsRequest(event.object);
    if (!read.ok) return; // the announcer counts and logs it
    const o = read.opsRequest;
    const db = o.spec.databaseRef?.name;
    if (event.type === 'deleted' || !isLive(o)) {
      this.#untrack(o.metadata.uid);
      // Another run of the database finished (or went): its queued successors may go now.
      if (db !== undefined && event.type !== 'added')
        this.#wakeDb(dbKey(o.metadata.namespace, db), 'database', `ops ${o.metadata.uid} done`, o.metadata.uid);
      return;
    }
    if (db === undefined) return;
    this.#track(o, dbKey(o.metadata.namespace, db));
  };

  /**
   * `initial`: the event is part of the watch's first list — the state as it was, not a change: it is recorded as
   * seen (so a replay of it wakes nothing later) but wakes nothing now.
   */
  readonly onPodEvent = (event: ListWatchEvent<KubeObject>, initial = false): void => {
    if (event.type === 'synced') return;
    const pod = event.object as SlimPod;
    const { namespace, name } = pod.metadata;
    const instance = pod.metadata.labels?.[INSTANCE_LABEL];
    if (namespace === undefined || name === undefined || instance === undefined) return;
    const cause = podCause(name, event.type === 'deleted' ? undefined : pod);
    this.#wakeDb(dbKey(namespace, instance), 'pods', cause, undefined, initial);
  };

  readonly onRedisEvent = (event: ListWatchEvent<KubeObject>, initial = false): void => {
    if (event.type === 'synced') return;
    const redis = event.object as SlimRedis;
    const { namespace, name } = redis.metadata ?? {};
    if (namespace === undefined || name === undefined) return;
    const cause = redisCause(event.type === 'deleted' ? undefined : redis);
    this.#wakeDb(dbKey(namespace, name), 'database', cause, undefined, initial);
  };

  /** Drops every pending wake-up (leadership lost: the next leader starts from its own lists). */
  stop(): void {
    this.#flush?.cancel();
    this.#flush = undefined;
    this.#pending.clear();
    this.#waiting.clear();
    this.#byDb.clear();
  }

  #track(o: WatchedOpsRequest, db: string): void {
    const uid = o.metadata.uid;
    const awaited = awaitedBy(o);
    if (awaited === undefined) {
      this.#untrack(uid);
      return;
    }
    const awaitedKey = JSON.stringify(awaited);
    const known = this.#waiting.get(uid);
    if (known !== undefined && known.awaitedKey === awaitedKey) {
      known.ops = o;
      return;
    }
    if (known !== undefined && known.db !== db) this.#untrack(uid);
    const waiting: Waiting = { ops: o, db, awaited, awaitedKey, causes: new Set() };
    this.#waiting.set(uid, waiting);
    let uids = this.#byDb.get(db);
    if (uids === undefined) this.#byDb.set(db, (uids = new Set()));
    uids.add(uid);
    if (awaited.on === 'pods' && awaited.pod !== undefined) {
      const pod = this.#opts.pod(`${o.metadata.namespace}/${awaited.pod}`);
      if (alreadyBack(awaited, pod)) this.#wake(waiting, podCause(awaited.pod, pod));
    }
  }

  #untrack(uid: string): Waiting | undefined {
    const known = this.#waiting.get(uid);
    if (known === undefined) return undefined;
    this.#waiting.delete(uid);
    this.#pending.delete(uid);
    const uids = this.#byDb.get(known.db);
    uids?.delete(uid);
    if (uids?.size === 0) this.#byDb.delete(known.db);
    return known;
  }

  #wakeDb(db: string, on: Awaited['on'], cause: string, except?: string, seenOnly = false): void {
    const uids = this.#byDb.get(db);
    if (uids === undefined) return;
    for (const uid of uids) {
      const waiting = this.#waiting.get(uid);
      if (waiting === undefined || uid === except || waiting.awaited.on !== on) continue;
      if (seenOnly) waiting.causes.add(cause);
      else this.#wake(waiting, cause);
    }
  }

  #wake(waiting: Waiting, cause: string): void {
    if (waiting.causes.has(cause)) return;
    waiting.causes.add(cause);
    this.#pending.add(waiting.ops.metadata.uid);
    this.#flush ??= this.#clock.setTimer(0, () => this.#sendPending());
  }

  #sendPending(): void {
    this.#flush = undefined;
    for (const uid of this.#pending) {
      const waiting = this.#waiting.get(uid);
      if (waiting !== undefined) this.#send(waiting);
    }
    this.#pending.clear();
  }

  #send(waiting: Waiting): void {
    const { ops: o, awaited } = waiting;
    const { clusterId } = this.#opts;
    const data = {
      version: 1 as const,
      clusterId,
      namespace: o.metadata.namespace,
      opsRequest: { name: o.metadata.name, uid: o.metadata.uid },
      step: awaited.due.step === 'rolling-back' ? ('restart-pod' as const) : awaited.due.step,
      attempt: 0,
      traceId: traceIdFor(o.metadata.uid),
    };
    const m = messageFor(awaited.due, data);
    try {
      // A hop of the ops request's one trace, as the forwarder's announcements are (ADR 0016).
      const traceparent = formatTraceparent(startTraceFor(o.metadata.uid));
      const message = newStepMessage(
        { ...m.data, wake: true },
        forwarderSource(clusterId),
        new Date(this.#clock.now()),
        { traceparent },
      );
      this.#opts.counters.wakeUps++;
      this.#log.debug('wake-up', { subject: message.subject, step: m.step, pod: m.data.pod });
      this.#opts.send(m.step as WakeTarget, { body: JSON.stringify(message), subject: message.subject });
    } catch (err) {
      this.#log.error('cannot build a wake-up message', { uid: o.metadata.uid, err });
    }
  }
}
