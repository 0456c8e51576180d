/**
 * Create-or-update of the PetSets a controller wants, idempotently: a hash of the desired spec in an annotation
 * tells "template changed" from "the server normalised something", and the update is a PUT guarded by
 * resourceVersion (a concurrent writer makes it 409 and the work queue retries).
 */
import { createHash } from 'node:crypto';
import { PETSET_GROUP, PETSET_PLURAL, PETSET_VERSION } from '../../../../shared/kubedb/constants.ts';
import { createIfAbsent, type KubeApis } from '../runtime/kube.ts';
import { stableStringify } from '../runtime/stable-json.ts';
import { TEMPLATE_HASH_ANNOTATION } from './builders.ts';

export interface PetSetObject {
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
}

export async function ensurePetSets(
  apis: KubeApis,
  namespace: string,
  desiredList: Record<string, unknown>[],
  cached: (namespace: string, name: string) => PetSetObject | undefined,
): Promise<void> {
  const base = { group: PETSET_GROUP, version: PETSET_VERSION, namespace, plural: PETSET_PLURAL };
  for (const desired of desiredList) {
    const dmeta = desired['metadata'] as PetSetObject['metadata'];
    const hash = createHash('sha256').update(stableStringify(desired['spec'])).digest('hex').slice(0, 16);
    dmeta.annotations = { ...dmeta.annotations, [TEMPLATE_HASH_ANNOTATION]: hash };
    const existing = cached(namespace, dmeta.name);
    if (!existing) {
      await createIfAbsent(() => apis.custom.createNamespacedCustomObject({ ...base, body: desired }));
    } else if (existing.metadata.annotations?.[TEMPLATE_HASH_ANNOTATION] !== hash) {
      const body = {
        ...existing,
        metadata: {
          ...existing.metadata,
          labels: dmeta['labels'],
          annotations: { ...existing.metadata.annotations, ...dmeta.annotations },
        },
        spec: desired['spec'],
      };
      await apis.custom.replaceNamespacedCustomObject({ ...base, name: dmeta.name, body });
    }
  }
}
