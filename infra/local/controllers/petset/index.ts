/**
 * PetSet controller (apps.k8s.appscode.com/v1) as an API client: list+watch PetSets and Pods, one reconcile per
 * PetSet at a time, one pod action per reconcile (the next one follows from the pod's own watch events).
 */
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { PETSET_GROUP, PETSET_PLURAL, PETSET_VERSION } from '../../../../shared/kubedb/constants.ts';
import { runController, source } from '../runtime/controller.ts';
import { createIfAbsent, isNotFound, keyOf, makeApis, mergePatch } from '../runtime/kube.ts';
import type { ListPage } from '../../../../shared/adapters/kube/kube-watch-source.ts';
import { makeLogger, type Logger } from '../runtime/log.ts';
import { sameJson } from '../runtime/stable-json.ts';
import { buildPod, isOwnedBy, nextAction, petSetStatus, type PetSet } from './pods.ts';

interface PetSetControllerOptions {
  log?: Logger;
}

export async function startPetSetController(
  kc: KubeConfig,
  opts: PetSetControllerOptions = {},
): Promise<{ stop(): Promise<void> }> {
  const apis = makeApis(kc);
  const log = opts.log ?? makeLogger('petset-controller');
  const base = { group: PETSET_GROUP, version: PETSET_VERSION, plural: PETSET_PLURAL };

  async function deletePod(pod: V1Pod): Promise<void> {
    try {
      await apis.core.deleteNamespacedPod({
        name: pod.metadata?.name ?? '',
        namespace: pod.metadata?.namespace ?? 'default',
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async function reconcile(key: string): Promise<void> {
    const [petSets, pods] = controller.watches;
    const [namespace, name] = key.split('/') as [string, string];
    const ps = petSets!.get(key) as unknown as PetSet | undefined;
    const candidates = (pods!.list() as V1Pod[]).filter(
      (p) =>
        p.metadata?.namespace === namespace &&
        p.metadata.ownerReferences?.some((o) => o.kind === 'PetSet' && o.name === name),
    );
    // Garbage-collect pods whose owning PetSet is gone or was replaced (what the GC controller does upstream).
    const orphans = candidates.filter((p) => !ps || !isOwnedBy(p, ps));
    for (const pod of orphans) if (!pod.metadata?.deletionTimestamp) await deletePod(pod);
    if (!ps) return;
    const owned = candidates.filter((p) => isOwnedBy(p, ps));
    const action = nextAction(ps, owned);
    if (action && 'create' in action) {
      await createIfAbsent(() => apis.core.createNamespacedPod({ namespace, body: buildPod(ps, action.create) }));
    } else if (action) {
      await deletePod(action.delete);
    }
    const status = petSetStatus(ps, owned);
    if (!sameJson(pick(ps.status, status), status)) {
      await apis.custom.patchNamespacedCustomObjectStatus({ ...base, namespace, name, body: { status } }, mergePatch);
    }
  }

  const controller = runController({
    name: 'petset-controller',
    apis,
    log,
    reconcile,
    sources: [
      source<PetSet>({
        name: 'petsets',
        path: `/apis/${PETSET_GROUP}/${PETSET_VERSION}/${PETSET_PLURAL}`,
        list: async () => (await apis.custom.listClusterCustomObject(base)) as ListPage<PetSet>,
        keysFor: (ps) => [keyOf(ps.metadata)],
      }),
      source<V1Pod>({
        name: 'pods',
        path: '/api/v1/pods',
        list: () => apis.core.listPodForAllNamespaces(),
        keysFor: (pod) =>
          (pod.metadata?.ownerReferences ?? [])
            .filter((o) => o.kind === 'PetSet')
            .map((o) => `${pod.metadata?.namespace}/${o.name}`),
      }),
    ],
  });
  await controller.synced;
  return { stop: () => controller.stop() };
}

function pick(current: Record<string, unknown> | undefined, like: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(like).map((k) => [k, current?.[k]]));
}
