/** Fan one event out to several buses, and the publisher for a deployment with no bus at all. */
import type { BusEvent, EventPort } from '../../steps/ports.ts';

/** Several publishers failed for the same event; each error is kept (and named in the message). */
export class CompositePublishError extends Error {
  override name = 'CompositePublishError';
  readonly errors: readonly unknown[];
  constructor(errors: unknown[]) {
    super(errors.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))).join('; '));
    this.errors = errors;
  }
}

/**
 * Every publisher gets every event, concurrently (the buses are independent: a failing EventBridge must not keep an
 * event from SNS). Each publisher still sees this caller's events in call order, which is what SNS FIFO needs.
 * One failure is rethrown as is; several become one CompositePublishError.
 */
export class CompositePublisher implements EventPort {
  readonly publishers: readonly EventPort[];

  constructor(publishers: EventPort[]) {
    this.publishers = publishers;
  }

  async publish(event: BusEvent): Promise<void> {
    const settled = await Promise.allSettled(this.publishers.map((p) => p.publish(event)));
    const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new CompositePublishError(errors);
  }
}

/** No bus configured: transitions are only in the ops request's status (and the function logs). */
export class NoopPublisher implements EventPort {
  async publish(_event: BusEvent): Promise<void> {
    // Deliberately nothing: publishing is optional for a deployment (docs/deploy.md), the cluster keeps the story.
  }
}
