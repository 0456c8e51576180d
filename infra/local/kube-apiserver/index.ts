/**
 * A local Kubernetes API server speaking the real REST protocol over HTTPS, for the local stack and tests: kubectl
 * and @kubernetes/client-node work against it unchanged. See README.md for what is simplified.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { type Authorizer, allowAll } from './auth.ts';
import { BUILTIN_TYPES } from './builtin-types.ts';
import { loadCrdDirs } from './crds.ts';
import { FaultInjector } from './faults.ts';
import { type KubeconfigOptions, renderKubeconfig } from './kubeconfig.ts';
import { Lifecycle } from './lifecycle.ts';
import { Operations, namespaceType } from './operations.ts';
import { SnapshotWriter, loadSnapshot } from './persistence.ts';
import { Registry } from './registry.ts';
import { requestListener } from './server.ts';
import { ObjectStore } from './store.ts';
import { loadOrCreateTls } from './tls.ts';

export { FaultInjector } from './faults.ts';
export type { FaultCode, FaultVerb, VerbFault } from './faults.ts';
export type { Authorizer, RequestAttributes, UserInfo } from './auth.ts';
export { ApiError } from './errors.ts';
export type { KubeObject } from './types.ts';

export interface KubeApiServerOptions {
  /** Persist objects as JSON here (debounced snapshot); loaded on start. Also caches the CA and admin token. */
  stateDir?: string;
  host?: string;
  port?: number;
  crdDirs?: string[];
  /** bearer token -> username; default: one generated admin token. */
  tokens?: Record<string, string>;
  bookmarkIntervalMs?: number;
  /** Events kept for watch resume; older resourceVersions get 410 Gone. */
  watchHistory?: number;
  /** Authorization hook (RBAC later); default allows every authenticated request. */
  authorizer?: Authorizer;
  /** Where unexpected internal errors are reported; default console.error. */
  onError?: (err: unknown, what: string) => void;
}

export interface KubeApiServer {
  url: string;
  caPem: string;
  adminToken: string;
  faults: FaultInjector;
  /** Direct access for hooks (e.g. `operations.evictionGuard` for disruption budgets). */
  operations: Operations;
  kubeconfig(opts?: KubeconfigOptions): string;
  writeKubeconfig(path: string, opts?: KubeconfigOptions): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_CRD_DIR = resolve(import.meta.dirname, '../../crds');

async function adminTokenFor(stateDir: string | undefined): Promise<string> {
  if (!stateDir) return randomBytes(24).toString('hex');
  const path = join(stateDir, 'admin-token');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(24).toString('hex');
  await mkdir(stateDir, { recursive: true });
  await writeFile(path, token, { mode: 0o600 });
  return token;
}

function seedNamespaces(ops: Operations): void {
  const t = namespaceType(ops.registry);
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!ops.store.get(t.storageKey, '', name)) ops.create(t, '', { metadata: { name } });
  }
}

export async function startKubeApiServer(opts: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const onError = opts.onError ?? ((err: unknown, what: string) => console.error(`[kube-apiserver] ${what}:`, err));
  const registry = new Registry();
  for (const t of BUILTIN_TYPES) registry.add(t);
  for (const t of await loadCrdDirs(opts.crdDirs ?? [DEFAULT_CRD_DIR])) registry.add(t);
  const store = new ObjectStore(opts.watchHistory ?? 10_000);
  if (opts.stateDir) await loadSnapshot(opts.stateDir, store);
  const ops = new Operations(store, registry);
  new Lifecycle(ops, onError);
  seedNamespaces(ops);
  const writer = opts.stateDir ? new SnapshotWriter(opts.stateDir, store, onError) : undefined;
  const adminToken = await adminTokenFor(opts.stateDir);
  const tokens = opts.tokens ?? { [adminToken]: 'admin' };
  const tls = await loadOrCreateTls(opts.stateDir, ['127.0.0.1', 'localhost', ...(host !== '127.0.0.1' && host !== 'localhost' ? [host] : [])]);
  const faults = new FaultInjector();
  const server = createServer(
    { cert: tls.certPem, key: tls.keyPem, keepAlive: true },
    requestListener({ ops, faults, bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000, registry, tokens, authorizer: opts.authorizer ?? allowAll, onError }),
  );
  // Long-lived clients (informers, kubectl) reuse connections; Node's default 5 s idle timeout would churn them.
  server.keepAliveTimeout = 120_000;
  server.requestTimeout = 0; // watches are long-running responses
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const effectiveAdminToken = opts.tokens ? (Object.keys(opts.tokens)[0] ?? adminToken) : adminToken;
  const kubeconfig = (k?: KubeconfigOptions) => renderKubeconfig(url, tls.caPem, effectiveAdminToken, k);
  return {
    url,
    caPem: tls.caPem,
    adminToken: effectiveAdminToken,
    faults,
    operations: ops,
    kubeconfig,
    writeKubeconfig: async (path, k) => writeFile(path, kubeconfig(k), { mode: 0o600 }),
    stop: async () => {
      faults.dropWatches();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await closed;
      await writer?.flush();
    },
  };
}
