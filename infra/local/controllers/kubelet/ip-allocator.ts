/**
 * Pod IPs from 127.10.0.0/16. Linux routes all of 127.0.0.0/8 to the loopback interface, so every pod can have its
 * own address with redis-server on the standard port 6379, as in a real cluster. 127.0.0.1 is never handed out
 * (the host's own redis lives there). Several kubelets (parallel test files) may share the machine, so each one
 * starts at a random offset and an address is handed out only after a test bind on <ip>:6379 succeeds.
 * A pod name keeps its address across recreations when it is still free (a StatefulSet pod usually does not, but
 * stable addresses make local debugging easier and nothing may rely on either behaviour).
 */
import { createServer } from 'node:net';

const RANGE = 65536;

const indexToIp = (i: number): string => `127.10.${(i >> 8) & 255}.${i & 255}`;
const usable = (i: number): boolean => (i & 255) !== 0 && (i & 255) !== 255;

function canBind(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export class PodIpAllocator {
  private readonly inUse = new Map<string, string>(); // ip -> pod key
  private readonly remembered = new Map<string, string>(); // pod key -> last ip
  private next: number;
  private readonly port: number;

  constructor(opts: { startIndex?: number; port?: number } = {}) {
    this.next = opts.startIndex ?? 256 + Math.floor(Math.random() * (RANGE - 512));
    this.port = opts.port ?? 6379;
  }

  async allocate(podKey: string): Promise<string> {
    const previous = this.remembered.get(podKey);
    if (previous && this.inUse.get(previous) === podKey) return previous;
    // Re-check after each await: another pod may have taken the address meanwhile.
    if (previous && !this.inUse.has(previous) && (await canBind(previous, this.port)) && !this.inUse.has(previous)) {
      return this.take(previous, podKey);
    }
    for (let tries = 0; tries < RANGE; tries++) {
      const i = this.next;
      this.next = (this.next + 1) % RANGE;
      const ip = indexToIp(i);
      if (!usable(i) || this.inUse.has(ip)) continue;
      if ((await canBind(ip, this.port)) && !this.inUse.has(ip)) return this.take(ip, podKey);
    }
    throw new Error('PodIpAllocator: 127.10.0.0/16 is exhausted');
  }

  release(podKey: string): void {
    const ip = this.remembered.get(podKey);
    if (ip && this.inUse.get(ip) === podKey) this.inUse.delete(ip);
  }

  private take(ip: string, podKey: string): string {
    this.inUse.set(ip, podKey);
    this.remembered.set(podKey, ip);
    return ip;
  }
}
