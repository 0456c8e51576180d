/**
 * The ports the step logic needs. Adapters (shared/adapters/**) are the only code that touches Kubernetes, Redis or
 * AWS; steps receive these through parameters so tests can run them against the local stack or in-memory fakes.
 */
import type { TraceExtensions } from '../messages/cloudevent.ts';
import type { Step, StepDataInput } from '../messages/step-message.ts';
import type { MetricsPort } from '../observability/metrics.ts';
import type { TransitionEvent } from '../messages/transition-event.ts';
import type { DriftEvent } from '../messages/drift-event.ts';
import type { Condition, Redis, RedisOpsRequest } from '../kubedb/types.ts';
import type { RedisSentinel } from '../kubedb/topology.ts';
import type { Logger } from '../logging.ts';
import type { AclUserReply } from '../acl/verify.ts';
import type { RedisAclSpec } from '../acl/plan.ts';

export interface PodView {
  name: string;
  uid: string;
  deleting: boolean;
  ready: boolean;
  podIP?: string;
  restartCount: number;
  /** The container's own words when it is not running (CrashLoopBackOff message, last termination message). */
  problem?: string;
  creationTimestamp?: string;
  /** When the pod last turned Ready (its Ready condition's lastTransitionTime), while it is Ready. */
  readySince?: string;
}

export interface SecretView {
  name: string;
  data: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RedisVersionView {
  name: string;
  distribution: 'Official' | 'Valkey';
  /** The engine version the catalog entry runs (spec.version), e.g. `7.2.4`: picks the directive table. */
  version?: string;
}

export interface EventInput {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export interface KubePort {
  getOpsRequest(namespace: string, name: string): Promise<RedisOpsRequest | undefined>;
  listOpsRequests(namespace: string): Promise<RedisOpsRequest[]>;
  /** Replace status.conditions/phase/observedGeneration, guarded by the object's resourceVersion (409 → ConflictError). */
  writeOpsStatus(ops: RedisOpsRequest, status: NonNullable<RedisOpsRequest['status']>): Promise<RedisOpsRequest>;
  /** Merge annotations (null deletes), guarded by resourceVersion. */
  writeOpsAnnotations(ops: RedisOpsRequest, annotations: Record<string, string | null>): Promise<RedisOpsRequest>;
  getRedis(namespace: string, name: string): Promise<Redis | undefined>;
  /** The Redises of a namespace: which one an ops request deleted mid-run left paused, which ones drift checks. */
  listRedises(namespace: string): Promise<Redis[]>;
  /** Replace the Redis's status.conditions, guarded by resourceVersion: the Paused condition doubles as the DB lock. */
  writeRedisConditions(redis: Redis, conditions: Condition[]): Promise<Redis>;
  /** Write spec.configuration (undefined fields are removed) and drop the deprecated spec.configSecret. */
  writeRedisConfiguration(
    redis: Redis,
    configuration: { secretName?: string; inline?: Record<string, string> },
  ): Promise<Redis>;
  /**
   * Write the Redis's ACL users (`spec.acl` or `spec.configuration.acl`, the field it keeps them in): rules and
   * secretRef replaced as given, null removes the field. Merge patch, like writeRedisConfiguration.
   */
  writeRedisAcl(redis: Redis, field: 'spec.acl' | 'spec.configuration.acl', acl: RedisAclSpec | null): Promise<Redis>;
  getRedisVersion(name: string): Promise<RedisVersionView | undefined>;
  getRedisSentinel(namespace: string, name: string): Promise<RedisSentinel | undefined>;
  getSecret(namespace: string, name: string): Promise<SecretView | undefined>;
  /**
   * Create or update a secret: the given data keys are set and other keys kept (the managed config secret may hold
   * keys the provisioner wrote); the given annotations and labels are merged in; `owner` is added to the owner
   * references, replacing a reference to an earlier object of the same kind and name.
   */
  putSecret(
    namespace: string,
    name: string,
    data: Record<string, string>,
    meta: { annotations?: Record<string, string>; labels?: Record<string, string>; owner?: OwnerRef },
  ): Promise<void>;
  /** Set annotations on the pod template of the database's PetSets (KubeDB's UpdatePetSets step). */
  annotatePetSetTemplates(namespace: string, redisName: string, annotations: Record<string, string>): Promise<string[]>;
  listDatabasePods(namespace: string, redisName: string): Promise<PodView[]>;
  getPod(namespace: string, name: string): Promise<PodView | undefined>;
  /** Eviction API (policy/v1): honours PodDisruptionBudgets like KubeDB's restart does. */
  evictPod(namespace: string, name: string): Promise<void>;
  /** An Event on the ops request (KubeDB's ops manager's events) or on the Redis (deletion mid-run, drift). */
  recordEvent(object: RedisOpsRequest | Redis, event: EventInput): Promise<void>;
}

export interface RedisTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** Set for a TLS-only database (spec.tls): key material, never to be logged or put in a message. */
  tls?: RedisTls;
}

/** PEM client certificate, key and CA, and the name the server certificate must carry. */
export interface RedisTls {
  ca: string;
  cert: string;
  key: string;
  servername: string;
}

export interface RedisPort {
  configGet(target: RedisTarget, parameters: string[]): Promise<Record<string, string>>;
  /**
   * `CONFIG SET p1 v1 p2 v2 …` (one command: all-or-nothing on the server since Redis 7.0). An error reply is a
   * RedisCommandRefusedError quoting the engine; an unreachable pod an UnavailableError.
   */
  configSet(target: RedisTarget, parameterValues: string[]): Promise<void>;
  info(target: RedisTarget, section: 'replication' | 'cluster' | 'server'): Promise<string>;
  /** Raw `CLUSTER NODES` text (parsed by shared/redis/replies.ts). */
  clusterNodes(target: RedisTarget): Promise<string>;
  clusterInfo(target: RedisTarget): Promise<string>;
  /** `CLUSTER FAILOVER`, sent to the replica that is to take over. */
  clusterFailover(target: RedisTarget): Promise<void>;
  sentinelPrimary(target: RedisTarget, masterName: string): Promise<{ host: string; port: number } | undefined>;
  sentinelFailover(target: RedisTarget, masterName: string): Promise<void>;
  /** Does this sentinel run a failover of `masterName` right now (`SENTINEL MASTER` flags `failover_in_progress`)? */
  sentinelFailoverInProgress(target: RedisTarget, masterName: string): Promise<boolean>;
  /** `CLIENT PAUSE <ms> WRITE`: writes block (not fail) on this server for a while; a longer pause extends it. */
  pauseWrites(target: RedisTarget, ms: number): Promise<void>;
  /** `CLIENT UNPAUSE`: blocked writes run now (and fail with READONLY on a demoted primary). */
  resumeWrites(target: RedisTarget): Promise<void>;
  /** `REPLICAOF host port`: demote this server to a replica of the given primary. */
  replicaOf(target: RedisTarget, host: string, port: number): Promise<void>;
  /**
   * `ACL SETUSER <args...>`, user name first (shared/acl builds them; passwords as `#<sha256>`). A refusal throws
   * AclCommandRefusedError with the engine's message (arguments never included); unreachable → UnavailableError.
   */
  aclSetUser(target: RedisTarget, args: readonly string[]): Promise<void>;
  /** `ACL DELUSER <users...>`: how many of them existed (a missing user is not an error). */
  aclDelUser(target: RedisTarget, users: readonly string[]): Promise<number>;
  /** `ACL GETUSER <user>`, parsed; undefined when the user does not exist. */
  aclGetUser(target: RedisTarget, user: string): Promise<AclUserReply | undefined>;
  /** `ACL LIST`: one `user <name> <rules...>` line per user (password hashes, never passwords). */
  aclList(target: RedisTarget): Promise<string[]>;
}

export interface QueuePort {
  /** `trace`: the sending hop's trace context; the handler adds it (shared/handler/record-deps.ts), steps never do. */
  send(step: Step, data: StepDataInput, delaySeconds?: number, trace?: TraceExtensions): Promise<void>;
}

/** Where step transitions are published for other teams (SNS fan-out, EventBridge). Best effort by contract: see
 * docs/adr/0006 — a publish failure is logged and counted, never allowed to fail or repeat a cluster write. */
/** What goes on the bus: an ops request's transitions, and a database's drift (drift-event.ts). */
export type BusEvent = TransitionEvent | DriftEvent;

export interface EventPort {
  publish(event: BusEvent): Promise<void>;
}

export interface StepSettings {
  /** A Progressing ops request with no condition transition for this long gets its due step re-sent. */
  stallSeconds: number;
  /** The least delay of a delayed look at something the forwarder's wake-ups cover (timing.ts). */
  safetyNetSeconds: number;
}

export interface StepDeps {
  settings: StepSettings;
  kube: KubePort;
  redis: RedisPort;
  events: EventPort;
  queue: QueuePort;
  now: () => Date;
  log: Logger;
  /** CloudWatch metrics (shared/observability/metrics.ts), written once per invocation by the handler. */
  metrics: MetricsPort;
}
