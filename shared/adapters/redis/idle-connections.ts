/**
 * Connections kept for a burst of commands to one pod, as an HTTP agent's keep-alive keeps a socket: live apply sends
 * a pod CONFIG SET and then CONFIG GET (and the restart checks several commands), and each fresh connection costs a
 * TCP connect, AUTH (and a TLS handshake on a TLS database) — the largest share of apply-config's CPU that was not the
 * Kubernetes API's (docs/benchmarks.md "Warm invocation CPU").
 *
 * Bounded on purpose: a connection is reused only within `reuseForMs` of its last command, so a Lambda environment
 * thawed after minutes never trusts a socket the pod may have dropped (the check is by timestamp, because a frozen
 * environment's timers do not run), and an idle one is closed after that long. A connection serves one command at a
 * time (taken out while in use), is keyed by everything that authenticates it (a rotated password gets a new one),
 * and is never put back after an error.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisTarget } from '../../steps/ports.ts';

interface Idle {
  client: Redis;
  lastUsed: number;
  closer: NodeJS.Timeout;
}

export class IdleConnections {
  readonly #reuseForMs: number;
  readonly #now: () => number;
  readonly #idle = new Map<string, Idle>();

  constructor(reuseForMs: number, now: () => number = Date.now) {
    this.#reuseForMs = reuseForMs;
    this.#now = now;
  }

  /** A connection to `target` used less than `reuseForMs` ago and still ready, taken out of the pool; else none. */
  take(target: RedisTarget): Redis | undefined {
    const key = keyOf(target);
    const idle = this.#idle.get(key);
    if (idle === undefined) return undefined;
    this.#idle.delete(key);
    clearTimeout(idle.closer);
    if (this.#now() - idle.lastUsed < this.#reuseForMs && idle.client.status === 'ready') return idle.client;
    idle.client.disconnect();
    return undefined;
  }

  /** Back after a successful command; closed instead when reuse is off or another one is already waiting. */
  give(target: RedisTarget, client: Redis): void {
    const key = keyOf(target);
    if (this.#reuseForMs <= 0 || this.#idle.has(key)) {
      client.disconnect();
      return;
    }
    // unref: an idle connection must not keep a process (the CLI, a test) alive; disconnect() ends the socket.
    const closer = setTimeout(() => {
      if (this.#idle.get(key)?.client === client) this.#idle.delete(key);
      client.disconnect();
    }, this.#reuseForMs).unref();
    this.#idle.set(key, { client, lastUsed: this.#now(), closer });
  }
}

/** A digest, so that no password or key material is kept as a map key in the clear. */
function keyOf(t: RedisTarget): string {
  return createHash('sha256')
    .update(
      JSON.stringify([t.host, t.port, t.username, t.password, t.tls?.ca, t.tls?.cert, t.tls?.key, t.tls?.servername]),
    )
    .digest('hex');
}

/**
 * The functions' window: long enough for a step's consecutive commands to one pod (CONFIG SET → CONFIG GET, the
 * restart checks), far shorter than any gap between invocations that could find a pod replaced under the same IP.
 */
export const FUNCTION_CONNECTION_REUSE_MS = 1_000;
