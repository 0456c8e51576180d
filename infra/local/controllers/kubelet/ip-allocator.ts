/**
 * Pod IPs from 127.10.0.0/16. Linux routes all of 127.0.0.0/8 to the loopback interface, so every pod can have its
 * own address with redis-server on the standard port 6379, as in a real cluster. 127.0.0.1 is never handed out
 * (the host's own redis lives there). Several kubelets (parallel test files) may share the machine, so each one
 * starts at a random offset and an address is handed out only after a test bind on <ip>:6379 succeeds.
 *
 * Sticky per pod identity (namespace/name): a recreated `x-0` gets its previous address again, and the map is
 * persisted in the kubelet's state dir so that it survives kubelet restarts. Real Kubernetes gives PetSet pods a
 * stable DNS name (`<pod>.<governing service>`) and KubeDB announces hostnames (replica-announce-ip,
 * cluster-announce-hostname, sentinel announce-ip); a sticky IP is the local stand-in for that stable name, so
 * addresses recorded by Redis itself (nodes.conf, replicaof, sentinel's known masters/replicas) stay valid across
 * pod restarts. An address remembered for one pod is never handed to another pod of this kubelet. Only when the
 * remembered address stays unbindable (another process on the machine took it) does the pod get a new one — the
 * equivalent of a DNS record changing — and a warning says so.
 */
import { createServer } from 'node:net';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

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

interface PodIpAllocatorOptions {
  startIndex?: number;
  port?: number;
  /** JSON file holding podKey → ip; loaded by `PodIpAllocator.load`, rewritten on every new assignment. */
  stateFile?: string;
  /** How long a remembered address may stay unbindable (a process still exiting) before a new one is chosen. */
  stickyWaitMs?: number;
  onReassigned?: (podKey: string, previous: string, next: string) => void;
}

export class PodIpAllocator {
  private readonly inUse = new Map<string, string>(); // ip -> pod key
  private readonly remembered = new Map<string, string>(); // pod key -> last ip
  private readonly reserved = new Set<string>(); // every remembered ip
  private next: number;
  private readonly opts: PodIpAllocatorOptions;
  private persisting: Promise<void> = Promise.resolve();

  constructor(opts: PodIpAllocatorOptions = {}) {
    this.opts = opts;
    this.next = opts.startIndex ?? 256 + Math.floor(Math.random() * (RANGE - 512));
  }

  /** An allocator with the assignments persisted by a previous run. */
  static async load(opts: PodIpAllocatorOptions): Promise<PodIpAllocator> {
    const alloc = new PodIpAllocator(opts);
    if (!opts.stateFile) return alloc;
    let text: string;
    try {
      text = await readFile(opts.stateFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return alloc;
      throw err;
    }
    for (const [key, ip] of Object.entries(JSON.parse(text) as Record<string, string>)) alloc.remember(key, ip);
    return alloc;
  }

  /** The address this pod had last (persisted), if any. */
  lastIpOf(podKey: string): string | undefined {
    return this.remembered.get(podKey);
  }

  async allocate(podKey: string): Promise<string> {
    const port = this.opts.port ?? 6379;
    const previous = this.remembered.get(podKey);
    if (previous && this.inUse.get(previous) === podKey) return previous;
    if (previous && (await this.stillFree(previous, port))) return this.take(previous, podKey);
    for (let tries = 0; tries < RANGE; tries++) {
      const i = this.next;
      this.next = (this.next + 1) % RANGE;
      const ip = indexToIp(i);
      if (!usable(i) || this.inUse.has(ip) || this.reserved.has(ip)) continue;
      if ((await canBind(ip, port)) && !this.inUse.has(ip)) {
        if (previous) this.opts.onReassigned?.(podKey, previous, ip);
        return this.take(ip, podKey);
      }
    }
    throw new Error('PodIpAllocator: 127.10.0.0/16 is exhausted');
  }

  /** Wait (bounded) for a remembered address to become bindable: its previous process may still be exiting. */
  private async stillFree(ip: string, port: number): Promise<boolean> {
    const deadline = Date.now() + (this.opts.stickyWaitMs ?? 3000);
    while (!this.inUse.has(ip)) {
      // Re-check after each await: another pod may have taken the address meanwhile.
      if ((await canBind(ip, port)) && !this.inUse.has(ip)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  release(podKey: string): void {
    const ip = this.remembered.get(podKey);
    if (ip && this.inUse.get(ip) === podKey) this.inUse.delete(ip);
  }

  /** Resolves once every assignment made so far is on disk. */
  flushed(): Promise<void> {
    return this.persisting;
  }

  private remember(podKey: string, ip: string): void {
    const old = this.remembered.get(podKey);
    if (old) this.reserved.delete(old);
    this.remembered.set(podKey, ip);
    this.reserved.add(ip);
  }

  private async take(ip: string, podKey: string): Promise<string> {
    this.inUse.set(ip, podKey);
    const changed = this.remembered.get(podKey) !== ip;
    this.remember(podKey, ip);
    if (changed && this.opts.stateFile) {
      const file = this.opts.stateFile;
      const snapshot = JSON.stringify(Object.fromEntries(this.remembered), null, 1);
      // Serialised writes (tmp + rename): the file always holds a complete map, the latest one last.
      // A failed earlier write was already reported to its own caller; this one starts afresh.
      this.persisting = this.persisting
        .catch(() => undefined)
        .then(async () => {
          await mkdir(dirname(file), { recursive: true });
          await writeFile(`${file}.tmp`, snapshot);
          await rename(`${file}.tmp`, file);
        });
      await this.persisting;
    }
    return ip;
  }
}
