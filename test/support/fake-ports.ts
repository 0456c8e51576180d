/**
 * The other ports in memory, typed against shared/steps/ports.ts so that a step calling a method the fake lacks fails
 * to compile, not at run time: a queue and an event bus that record what they were given, a Redis port scripted per
 * test (a method a test did not script throws, naming itself), a manual clock, and the StepDeps that ties them to an
 * InMemoryKube.
 */
import { discardMetrics, type MetricsPort } from '../../shared/observability/metrics.ts';
import type { TransitionEvent } from '../../shared/messages/transition-event.ts';
import type { Step, StepDataInput } from '../../shared/messages/step-message.ts';
import { silentLogger, type Logger } from '../../shared/logging.ts';
import type { EventPort, QueuePort, RedisPort, StepDeps, StepSettings } from '../../shared/steps/ports.ts';
import { InMemoryKube } from './in-memory-kube.ts';

export interface SentMessage {
  step: Step;
  data: StepDataInput;
  delaySeconds: number | undefined;
}

export class RecordingQueue implements QueuePort {
  readonly sent: SentMessage[] = [];
  async send(step: Step, data: StepDataInput, delaySeconds?: number): Promise<void> {
    this.sent.push({ step, data: structuredClone(data), delaySeconds });
  }
}

export class RecordingEvents implements EventPort {
  readonly published: TransitionEvent[] = [];
  async publish(event: TransitionEvent): Promise<void> {
    this.published.push(event);
  }
}

/** Every RedisPort method, checked against the interface: adding a method to the port makes this fail to compile. */
const REDIS_METHODS = {
  configGet: true,
  configSet: true,
  info: true,
  clusterNodes: true,
  clusterInfo: true,
  clusterFailover: true,
  sentinelPrimary: true,
  sentinelFailover: true,
  sentinelFailoverInProgress: true,
  pauseWrites: true,
  resumeWrites: true,
  replicaOf: true,
  aclSetUser: true,
  aclDelUser: true,
  aclGetUser: true,
  aclList: true,
} satisfies Record<keyof RedisPort, true>;

/** A RedisPort whose methods are the given ones; any other method throws when a step calls it. */
export function scriptedRedis(script: Partial<RedisPort> = {}): RedisPort {
  const unscripted = (method: string) => (): Promise<never> =>
    Promise.reject(new Error(`RedisPort.${method} was called but the test did not script it`));
  const entries = Object.keys(REDIS_METHODS).map((m) => [m, script[m as keyof RedisPort] ?? unscripted(m)]);
  // Complete by construction: REDIS_METHODS names every method of the interface.
  return Object.fromEntries(entries) as RedisPort;
}

export class ManualClock {
  #now: Date;
  constructor(start = '2026-01-01T00:00:00Z') {
    this.#now = new Date(start);
  }
  readonly now = (): Date => this.#now;
  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }
  set(iso: string): void {
    this.#now = new Date(iso);
  }
}

export interface TestWorld {
  deps: StepDeps;
  kube: InMemoryKube;
  queue: RecordingQueue;
  events: RecordingEvents;
  clock: ManualClock;
}

/** StepDeps over in-memory ports; pass a kube or redis to share one across invocations. */
export function testWorld(
  parts: {
    kube?: InMemoryKube;
    redis?: RedisPort;
    /** A RecordingQueue of the test's own (e.g. a subclass that also logs in the test's order). */
    queue?: RecordingQueue;
    clock?: ManualClock;
    log?: Logger;
    settings?: Partial<StepSettings>;
    metrics?: MetricsPort;
  } = {},
): TestWorld {
  const kube = parts.kube ?? new InMemoryKube();
  const queue = parts.queue ?? new RecordingQueue();
  const events = new RecordingEvents();
  const clock = parts.clock ?? new ManualClock();
  const deps: StepDeps = {
    // Safety net 1 s: a wait looks again as soon as it did before wake-ups (tests that need more say so).
    settings: { stallSeconds: 60, safetyNetSeconds: 1, ...parts.settings },
    kube,
    redis: parts.redis ?? scriptedRedis(),
    events,
    queue,
    now: clock.now,
    log: parts.log ?? silentLogger,
    metrics: parts.metrics ?? discardMetrics,
  };
  return { deps, kube, queue, events, clock };
}
