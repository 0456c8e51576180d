/**
 * The local API server with RBAC enforced, and the infra/k8s kustomizations applied to it with the real kubectl —
 * the kinds it serves (Namespace, ServiceAccount, RBAC); workloads (Deployment, PDB) are not served and are skipped.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import YAML from 'yaml';
import { startKubeApiServer, type KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { render, requireKubectl } from './manifests.ts';

const SERVED = new Set(['Namespace', 'ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

export interface RbacCluster {
  server: KubeApiServer;
  admin: KubeConfig;
  /** A KubeConfig for a bearer token registered at start (see `identities`). */
  as(token: string): KubeConfig;
  kubectl(args: string[], input?: string): Promise<string>;
  /** Applies the served kinds of a kustomization; returns the kinds it skipped. */
  apply(dir: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** identities: bearer token → { username, groups } (e.g. an IAM role mapped to a group by an EKS access entry). */
export async function startRbacCluster(
  identities: Record<string, { username: string; groups: string[] }> = {},
): Promise<RbacCluster> {
  requireKubectl();
  const adminToken = randomBytes(24).toString('hex');
  // The first token is the admin (system:masters, never subject to RBAC), as a cluster creator is.
  const server = await startKubeApiServer({
    rbac: true,
    tokens: { [adminToken]: 'admin', ...identities },
    onError: () => {},
  });
  const home = await mkdtemp(join(tmpdir(), 'k8s-manifests-'));
  const kubeconfigPath = join(home, 'admin.kubeconfig');
  await writeFile(kubeconfigPath, server.kubeconfig(), { mode: 0o600 });
  const admin = new KubeConfig();
  admin.loadFromString(server.kubeconfig());
  const kubectl = (args: string[], input?: string): Promise<string> =>
    new Promise((resolve, reject) => {
      // HOME is a temp dir so that kubectl's discovery cache never leaks between runs.
      const child = execFile(
        'kubectl',
        ['--kubeconfig', kubeconfigPath, ...args],
        { env: { ...process.env, HOME: home }, timeout: 60_000 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`));
          else resolve(stdout);
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  return {
    server,
    admin,
    as: (token) => {
      const kc = new KubeConfig();
      kc.loadFromString(server.kubeconfig({ token, user: 'as' }));
      return kc;
    },
    kubectl,
    apply: async (dir) => {
      const objs = render(dir);
      const served = objs.filter((o) => SERVED.has(o.kind));
      await kubectl(['apply', '-f', '-'], served.map((o) => YAML.stringify(o)).join('---\n'));
      return [...new Set(objs.filter((o) => !SERVED.has(o.kind)).map((o) => o.kind))].sort();
    },
    stop: async () => {
      await server.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

export const statusOf = (err: unknown): number | undefined => {
  if (err instanceof ApiException) return err.code;
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof ApiException ? cause.code : undefined;
};

/** Resolves when `op` is refused with 403 Forbidden; rejects with what happened otherwise. */
export async function forbidden(what: string, op: () => Promise<unknown>): Promise<void> {
  try {
    await op();
  } catch (err) {
    if (statusOf(err) === 403) return;
    throw new Error(`${what}: expected 403, got ${statusOf(err) ?? String(err)}`, { cause: err });
  }
  throw new Error(`${what}: expected 403, but it was allowed`);
}
