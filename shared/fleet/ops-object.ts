/** The RedisOpsRequest object for an ops request the rollout decided to create: labelled with its rollout. */
import * as k from '../kubedb/constants.ts';
import type { RedisOpsRequest } from '../kubedb/types.ts';
import { PURPOSE_LABEL, ROLLOUT_LABEL, ROLLOUT_REF_ANNOTATION, ROLLOUT_UID_LABEL } from './labels.ts';
import { labelValueFor } from './names.ts';
import { formatRolloutRef } from './rollout-ref.ts';
import type { FleetRolloutSpec } from './spec.ts';
import type { OpsRequestToCreate } from './types.ts';

export interface RolloutIdentity {
  hubClusterId: string;
  namespace: string;
  name: string;
  uid: string;
}

export function opsRequestObject(
  spec: FleetRolloutSpec,
  rollout: RolloutIdentity,
  op: OpsRequestToCreate,
): RedisOpsRequest {
  return {
    apiVersion: `${k.OPS_GROUP}/${k.OPS_VERSION}` as RedisOpsRequest['apiVersion'],
    kind: k.OPS_KIND,
    metadata: {
      name: op.name,
      namespace: op.namespace,
      labels: {
        [ROLLOUT_LABEL]: labelValueFor(rollout.name),
        [ROLLOUT_UID_LABEL]: rollout.uid,
        [PURPOSE_LABEL]: op.purpose,
      },
      annotations: {
        [ROLLOUT_REF_ANNOTATION]: formatRolloutRef({
          clusterId: rollout.hubClusterId,
          namespace: rollout.namespace,
          name: rollout.name,
        }),
      },
    },
    spec: {
      type: 'Reconfigure',
      databaseRef: { name: op.database },
      configuration: op.configuration,
      ...(spec.timeout !== undefined ? { timeout: spec.timeout } : {}),
      ...(spec.apply !== undefined ? { apply: spec.apply } : {}),
    },
  };
}
