/**
 * `kubectl apply -f` for the local tools, with @kubernetes/client-node's generic object API (discovery-driven, so
 * it works against any API server): create, or patch an existing object with a merge patch.
 */
import { readFile } from 'node:fs/promises';
import { type KubeConfig, type KubernetesObject, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { isNotFound } from '../../shared/adapters/kube/api-errors.ts';

export async function readManifests(path: string): Promise<KubernetesObject[]> {
  const docs = parseAllDocuments(await readFile(path, 'utf8'));
  const objects: KubernetesObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const obj = doc.toJS() as KubernetesObject | null;
    if (obj !== null) objects.push(obj);
  }
  return objects;
}

export async function applyObjects(kc: KubeConfig, objects: KubernetesObject[]): Promise<KubernetesObject[]> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const applied: KubernetesObject[] = [];
  for (const obj of objects) {
    const spec = { ...obj, metadata: { ...obj.metadata, namespace: obj.metadata?.namespace } } as KubernetesObject & {
      metadata: { name: string };
    };
    try {
      await client.read(spec);
      applied.push(
        await client.patch(spec, undefined, undefined, 'redis-reconfigure', undefined, PatchStrategy.MergePatch),
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
      applied.push(await client.create(spec));
    }
  }
  return applied;
}

export async function applyFile(kc: KubeConfig, path: string): Promise<KubernetesObject[]> {
  return applyObjects(kc, await readManifests(path));
}
