/**
 * The execution environments of one function, capped at its concurrency (Lambda never runs more concurrent
 * invocations of a function than its reserved concurrency / the mapping's maximum concurrency). Environments are
 * reused warm; one that timed out or crashed is dropped and replaced by a cold one on demand.
 */
import type { ExecutionEnvironment } from './execution-environment.ts';

export class FunctionPool {
  private readonly create: () => ExecutionEnvironment;
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private available: number;
  private readonly waiters: (() => void)[] = [];

  constructor(create: () => ExecutionEnvironment, concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    this.create = create;
    this.available = concurrency;
  }

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available++;
  }

  /** A warm environment if one is idle, else a new (cold) one. Call only while holding a permit. */
  checkout(): ExecutionEnvironment {
    let environment = this.idle.pop();
    while (environment && !environment.usable) {
      this.all.delete(environment);
      environment = this.idle.pop();
    }
    if (environment) return environment;
    const created = this.create();
    this.all.add(created);
    return created;
  }

  checkin(environment: ExecutionEnvironment): void {
    if (environment.usable) this.idle.push(environment);
    else this.all.delete(environment);
  }

  get size(): number {
    return this.all.size;
  }

  async terminateAll(): Promise<void> {
    const environments = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(environments.map((environment) => environment.terminate()));
  }
}
