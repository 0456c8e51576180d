/**
 * A local Kubernetes API server speaking the real REST protocol over HTTPS, for the local stack and tests: kubectl
 * and @kubernetes/client-node work against it unchanged. See README.md for what is simplified.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { type Authorizer, type StaticIdentity, allowAll, staticTokens, unionAuthenticator } from './auth.ts';
import { BUILTIN_TYPES } from './builtin-types.ts';
import { loadCrdDirs } from './crds.ts';
import { FaultInjector } from './faults.ts';
import { type KubeconfigOptions, renderKubeconfig } from './kubeconfig.ts';
import { Lifecycle } from './lifecycle.ts';
import { Operations, namespaceType } from './operations.ts';
import { MASTERS_GROUP, RbacAuthorizer } from './rbac-authorizer.ts';
import { RBAC_GROUP } from './rbac-rules.ts';
import { SnapshotWriter, loadSnapshot } from './persistence.ts';
import { Registry } from './registry.ts';
import { requestListener } from './server.ts';
import { type IssuedToken, ServiceAccountTokens } from './service-account-tokens.ts';
import { ObjectStore } from './store.ts';
import { loadOrCreateTls } from './tls.ts';

export { FaultInjector } from './faults.ts';
export type { FaultCode, FaultVerb, VerbFault } from './faults.ts';
export type { Authorizer, RequestAttributes, StaticIdentity, UserInfo } from './auth.ts';
export { RbacAuthorizer } from './rbac-authorizer.ts';
export type { PolicyRule } from './rbac-rules.ts';
export { API_AUDIENCE, type IssuedToken } from './service-account-tokens.ts';
export { ApiError } from './errors.ts';
export type { KubeObject } from './types.ts';

export interface KubeApiServerOptions {
  /** Persist objects as JSON here (debounced snapshot); loaded on start. Also caches the CA and admin token. */
  stateDir?: string;
  host?: string;
  port?: number;
  crdDirs?: string[];
  /**
   * Static bearer tokens -> username (or username + groups); default: one generated admin token. The first token is
   * the admin token (`adminToken`, `kubeconfig()`): its user is put in `system:masters`, which RBAC always allows.
   */
  tokens?: Record<string, string | StaticIdentity>;
  bookmarkIntervalMs?: number;
  /** Events kept for watch resume; older resourceVersions get 410 Gone. */
  watchHistory?: number;
  /**
   * Enforce RBAC (Role/ClusterRole/RoleBinding/ClusterRoleBinding objects; see rbac-authorizer.ts). Default false:
   * every authenticated request is allowed.
   */
  rbac?: boolean;
  /** Custom authorization hook (cannot be combined with `rbac`); default allows every authenticated request. */
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
  /**
   * A kubeconfig authenticating as the ServiceAccount (a TokenRequest token valid for `expirationSeconds`, default
   * one year; the context's namespace is the ServiceAccount's). Rejects with a NotFound ApiError when it does not exist.
   */
  serviceAccountKubeconfig(namespace: string, name: string, expirationSeconds?: number): Promise<string>;
  /** A bearer token for the ServiceAccount, as `kubectl create token` would get. */
  serviceAccountToken(namespace: string, name: string, expirationSeconds?: number): IssuedToken;
  writeKubeconfig(path: string, opts?: KubeconfigOptions): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_CRD_DIR = resolve(import.meta.dirname, '../../crds');
/** The project's own FleetRollout CRD (served by every local cluster; on AWS only the hub has it). */
const FLEET_CRD_DIR = resolve(import.meta.dirname, '../../k8s/fleet/crds');

/** A random secret, kept in `<stateDir>/<file>` so that it survives restarts (tokens in kubeconfigs stay valid). */
async function secretFor(stateDir: string | undefined, file: string): Promise<string> {
  if (!stateDir) return randomBytes(24).toString('hex');
  const path = join(stateDir, file);
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

function seedObjects(ops: Operations): void {
  const t = namespaceType(ops.registry);
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!ops.store.get(t.storageKey, '', name)) ops.create(t, '', { metadata: { name } });
  }
  // The bootstrap superuser role of a real cluster, so that bindings can refer to it.
  const cr = ops.registry.find(RBAC_GROUP, 'v1', 'clusterroles')!;
  if (!ops.store.get(cr.storageKey, '', 'cluster-admin')) {
    ops.create(cr, '', {
      metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ],
    });
  }
}

const YEAR_SECONDS = 365 * 24 * 3600;

/**
 * Authentication (static tokens, then ServiceAccount tokens) and authorization (RBAC, a custom hook, or allow-all).
 * The admin token is the first of `opts.tokens` (or a generated one, kept in the state dir); its user is put in
 * `system:masters`, the group the real server never subjects to RBAC.
 */
async function setUpAuth(opts: KubeApiServerOptions, store: ObjectStore, registry: Registry) {
  if (opts.rbac && opts.authorizer) throw new Error('startKubeApiServer: pass either rbac or authorizer, not both');
  const generated = await secretFor(opts.stateDir, 'admin-token');
  const adminToken = opts.tokens ? (Object.keys(opts.tokens)[0] ?? generated) : generated;
  const tokens: Record<string, string | StaticIdentity> = { ...(opts.tokens ?? { [generated]: 'admin' }) };
  const admin = tokens[adminToken];
  if (admin !== undefined) {
    const id = typeof admin === 'string' ? { username: admin } : admin;
    tokens[adminToken] = { username: id.username, groups: [...(id.groups ?? []), MASTERS_GROUP] };
  }
  const saTokens = new ServiceAccountTokens(
    store,
    registry,
    Buffer.from(await secretFor(opts.stateDir, 'sa-signing-key'), 'utf8'),
  );
  const authenticate = unionAuthenticator([staticTokens(tokens), (token) => saTokens.authenticate(token)]);
  const authorizer = opts.rbac ? new RbacAuthorizer(store).authorize : (opts.authorizer ?? allowAll);
  return { adminToken, authenticate, authorizer, saTokens };
}

export async function startKubeApiServer(opts: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const onError = opts.onError ?? ((err: unknown, what: string) => console.error(`[kube-apiserver] ${what}:`, err));
  const registry = new Registry();
  for (const t of BUILTIN_TYPES) registry.add(t);
  for (const t of await loadCrdDirs(opts.crdDirs ?? [DEFAULT_CRD_DIR, FLEET_CRD_DIR])) registry.add(t);
  const store = new ObjectStore(opts.watchHistory ?? 10_000);
  const { adminToken, authenticate, authorizer, saTokens } = await setUpAuth(opts, store, registry);
  if (opts.stateDir) await loadSnapshot(opts.stateDir, store);
  const ops = new Operations(store, registry);
  new Lifecycle(ops, onError);
  seedObjects(ops);
  const writer = opts.stateDir ? new SnapshotWriter(opts.stateDir, store, onError) : undefined;
  const tls = await loadOrCreateTls(opts.stateDir, [
    '127.0.0.1',
    'localhost',
    ...(host !== '127.0.0.1' && host !== 'localhost' ? [host] : []),
  ]);
  const faults = new FaultInjector();
  const server = createServer(
    { cert: tls.certPem, key: tls.keyPem, keepAlive: true },
    requestListener({
      ops,
      faults,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000,
      registry,
      authenticate,
      authorizer,
      serviceAccountTokens: saTokens,
      onError,
    }),
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
  const kubeconfig = (k?: KubeconfigOptions) => renderKubeconfig(url, tls.caPem, adminToken, k);
  return {
    url,
    caPem: tls.caPem,
    adminToken: adminToken,
    faults,
    operations: ops,
    kubeconfig,
    serviceAccountKubeconfig: async (namespace, name, expirationSeconds = YEAR_SECONDS) => {
      const { token } = saTokens.issue(namespace, name, expirationSeconds);
      return kubeconfig({ token, user: `system:serviceaccount:${namespace}:${name}`, namespace });
    },
    serviceAccountToken: (namespace, name, expirationSeconds) => saTokens.issue(namespace, name, expirationSeconds),
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
