/**
 * What the rollout step needs from the world: the hub (the FleetRollout and its status), each member cluster (its
 * Redises, the rollout's ops requests, creating one), the cluster registry, the queue for its own next look, and the
 * events bus for the rollout's transitions. Adapters: shared/adapters/kube/fleet-adapter.ts,
 * shared/adapters/queue/rollout-queue.ts, shared/adapters/events/rollout-publisher.ts.
 */
import type { RegisteredCluster } from '../../adapters/kube/cluster-registry.ts';
import type { FleetRolloutStatus, RolloutTransition } from '../../fleet/types.ts';
import type { ObjectMeta, Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { Logger } from '../../logging.ts';
import type { TraceExtensions } from '../../messages/cloudevent.ts';
import type { RolloutData } from '../../messages/rollout-message.ts';

export interface FleetRolloutObject {
  apiVersion: string;
  kind: 'FleetRollout';
  metadata: ObjectMeta;
  spec: unknown;
  status?: FleetRolloutStatus & { nextLookAt?: string };
}

export interface FleetHubPort {
  getRollout(namespace: string, name: string): Promise<FleetRolloutObject | undefined>;
  /** Replace the status, guarded by the rollout's resourceVersion (409 → ConflictError: re-read, decide again). */
  writeRolloutStatus(rollout: FleetRolloutObject, status: object): Promise<FleetRolloutObject>;
}

export interface FleetMemberPort {
  listRedises(): Promise<Redis[]>;
  /** The ops requests carrying the rollout's uid label, every namespace. */
  listRolloutOpsRequests(rolloutUid: string): Promise<RedisOpsRequest[]>;
  /** Create; an existing one of that name (409 AlreadyExists) is 'exists', never an error: names are deterministic. */
  createOpsRequest(ops: RedisOpsRequest): Promise<'created' | 'exists'>;
}

export interface RolloutQueuePort {
  /** The rollout's next look, DelaySeconds later (≤ 900, SQS's cap), carrying the sending hop's trace context. */
  sendLook(data: RolloutData, delaySeconds: number, trace?: TraceExtensions): Promise<void>;
}

export interface RolloutEventPort {
  publish(
    rollout: { clusterId: string; namespace: string; name: string; uid: string },
    t: RolloutTransition,
    trace?: TraceExtensions,
  ): Promise<void>;
}

export interface RolloutDeps {
  hub: (clusterId: string) => Promise<FleetHubPort>;
  member: (clusterId: string) => Promise<FleetMemberPort>;
  registry: { list(): Promise<RegisteredCluster[]> };
  queue: RolloutQueuePort;
  events: RolloutEventPort;
  now: () => Date;
  log: Logger;
  /**
   * Seconds between looks while ops requests run (ROLLOUT_LOOK_SECONDS; default 300): the safety net — their outcome
   * events wake the rollout as they end, the hub forwarder's re-announcements make good a lost one.
   */
  lookSeconds?: number;
}
