/**
 * Apply the project's shipped in-cluster manifests (infra/k8s) to the local API server, following each
 * kustomization's `resources` like `kubectl apply -k` (plain resources only: the project uses no patches or
 * generators). Kinds the local server does not run (Deployment, PodDisruptionBudget) are skipped: locally the
 * forwarder runs as a process, with exactly the RBAC those manifests grant.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { applyObjects, readManifests } from './manifests.ts';
import { PROJECT_ROOT } from './serverless-config.ts';

// The local API server loads CRDs from their files at start (kube-apiserver/crds.ts), it does not serve the kind.
const NOT_SERVED_LOCALLY = new Set(['Deployment', 'PodDisruptionBudget', 'CustomResourceDefinition']);

async function kustomizationObjects(dir: string): Promise<KubernetesObject[]> {
  const k = parse(await readFile(join(dir, 'kustomization.yaml'), 'utf8')) as { resources?: string[] };
  const objects: KubernetesObject[] = [];
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    objects.push(...((await stat(path)).isDirectory() ? await kustomizationObjects(path) : await readManifests(path)));
  }
  return objects;
}

export const FORWARDER_NAMESPACE = 'redis-reconfigure';
export const FORWARDER_SERVICE_ACCOUNT = 'forwarder';
/** The group EKS access entries map the functions' IAM roles to (infra/k8s/functions-rbac). */
export const FUNCTIONS_GROUP = 'redis-reconfigure:functions';
/** The group the rollout function's identity is mapped to (infra/k8s/fleet). */
export const ROLLOUT_GROUP = 'redis-reconfigure:rollout';

export async function applyShippedRbac(kc: KubeConfig): Promise<void> {
  const root = join(PROJECT_ROOT, 'infra/k8s');
  // Every local cluster is a fleet member and may be the hub: both sides of the fleet RBAC are applied everywhere.
  for (const part of ['forwarder', 'functions-rbac', 'fleet/hub', 'fleet/member']) {
    const objects = (await kustomizationObjects(join(root, part))).filter((o) => !NOT_SERVED_LOCALLY.has(o.kind ?? ''));
    await applyObjects(kc, objects);
  }
}
