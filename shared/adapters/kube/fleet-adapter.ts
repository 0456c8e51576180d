/**
 * The fleet rollout's Kubernetes calls (FleetHubPort, FleetMemberPort) over the same REST client as KubeAdapter.
 * Kept apart from KubeAdapter so that its permissions are a role of their own (infra/k8s/fleet, checked against
 * this file by test/k8s-manifests/rbac-fleet.test.ts): the pipeline's functions cannot create ops requests, the
 * rollout function cannot touch pods, secrets or a Redis.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { FLEET_GROUP, FLEET_PLURAL, FLEET_VERSION } from '../../fleet/spec.ts';
import { ROLLOUT_UID_LABEL } from '../../fleet/labels.ts';
import * as k from '../../kubedb/constants.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { FleetHubPort, FleetMemberPort, FleetRolloutObject } from '../../steps/rollout/ports.ts';
import { isAlreadyExists, readOrUndefined, translateApiError, write } from './api-errors.ts';
import { CustomObjectsRest, KubeRestClient, MERGE_PATCH } from './kube-rest.ts';

/** Its own field manager, as the functions, the forwarder and the CLI have theirs: managedFields say who wrote. */
const FIELD_MANAGER = 'redis-reconfigure-rollout';
const rollouts = { group: FLEET_GROUP, version: FLEET_VERSION, plural: FLEET_PLURAL };
const ops = { group: k.OPS_GROUP, version: k.OPS_VERSION, plural: k.OPS_PLURAL };
const redises = { group: k.KUBEDB_GROUP, version: k.KUBEDB_VERSION, plural: k.REDIS_PLURAL };

export class FleetKubeAdapter implements FleetHubPort, FleetMemberPort {
  readonly #custom: CustomObjectsRest;

  constructor(kc: KubeConfig) {
    this.#custom = new CustomObjectsRest(new KubeRestClient(kc, { fieldManager: FIELD_MANAGER }));
  }

  getRollout(namespace: string, name: string): Promise<FleetRolloutObject | undefined> {
    return readOrUndefined(
      `get fleetrollout ${namespace}/${name}`,
      async () =>
        (await this.#custom.getNamespacedCustomObject({ ...rollouts, namespace, name })) as FleetRolloutObject,
    );
  }

  async writeRolloutStatus(rollout: FleetRolloutObject, status: object): Promise<FleetRolloutObject> {
    const { namespace = '', name, resourceVersion } = rollout.metadata;
    // A merge patch replaces the status's arrays whole; with resourceVersion a concurrent write answers 409.
    const body = { metadata: { resourceVersion }, status };
    return (await write(`patch fleetrollout ${namespace}/${name} status`, () =>
      this.#custom.patchNamespacedCustomObjectStatus(
        { ...rollouts, namespace, name, body },
        { contentType: MERGE_PATCH },
      ),
    )) as FleetRolloutObject;
  }

  async listRedises(): Promise<Redis[]> {
    const list = (await write('list redises', () => this.#custom.listClusterCustomObject({ ...redises }))) as {
      items: Redis[];
    };
    return list.items;
  }

  async listRolloutOpsRequests(rolloutUid: string): Promise<RedisOpsRequest[]> {
    const labelSelector = `${ROLLOUT_UID_LABEL}=${rolloutUid}`;
    const list = (await write('list rdops of the rollout', () =>
      this.#custom.listClusterCustomObject({ ...ops, labelSelector }),
    )) as { items: RedisOpsRequest[] };
    return list.items;
  }

  async createOpsRequest(body: RedisOpsRequest): Promise<'created' | 'exists'> {
    const namespace = body.metadata.namespace ?? '';
    try {
      await this.#custom.createNamespacedCustomObject({ ...ops, namespace, body });
      return 'created';
    } catch (err) {
      if (isAlreadyExists(err)) return 'exists';
      throw translateApiError(err, `create rdops ${namespace}/${body.metadata.name}`);
    }
  }
}
