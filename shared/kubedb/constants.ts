/**
 * KubeDB names in one place. Sources: https://github.com/kubedb/apimachinery apis/ops/v1alpha1/constant.go,
 * apis/kubedb/constants.go, and the `kubectl describe` output of KubeDB's Redis reconfigure guide
 * (https://kubedb.com/docs/latest/guides/redis/reconfigure/).
 */
export const OPS_GROUP = 'ops.kubedb.com';
export const OPS_VERSION = 'v1alpha1';
export const OPS_PLURAL = 'redisopsrequests';
export const OPS_KIND = 'RedisOpsRequest';

export const KUBEDB_GROUP = 'kubedb.com';
export const KUBEDB_VERSION = 'v1';
export const REDIS_PLURAL = 'redises';
export const SENTINEL_PLURAL = 'redissentinels';

export const CATALOG_GROUP = 'catalog.kubedb.com';
export const CATALOG_VERSION = 'v1alpha1';
export const REDIS_VERSION_PLURAL = 'redisversions';

export const PETSET_GROUP = 'apps.k8s.appscode.com';
export const PETSET_VERSION = 'v1';
export const PETSET_PLURAL = 'petsets';

/** status.phase of a RedisOpsRequest (CRD enum). */
export const OpsPhase = {
  Pending: 'Pending',
  Progressing: 'Progressing',
  Successful: 'Successful',
  Failed: 'Failed',
  Skipped: 'Skipped',
} as const;

export const isTerminalPhase = (phase: string | undefined): boolean =>
  phase === OpsPhase.Successful || phase === OpsPhase.Failed || phase === OpsPhase.Skipped;

/** Condition types (= reasons, kmodules NewCondition) the Reconfigure flow writes on the ops request. */
export const OpsCondition = {
  Reconfigure: 'Reconfigure',
  DatabasePauseSucceeded: 'DatabasePauseSucceeded',
  PatchedSecret: 'patchedSecret',
  /** KubeDB's (apimachinery RedisUpdateAclSecret): the ACL secret and the Redis's ACL rules hold the new users. */
  UpdateAclSecret: 'UpdateAclSecret',
  /** Our addition: the ACL change was made on every pod with ACL SETUSER / DELUSER, no restart (ADR 0012). */
  AclAppliedLive: 'AclAppliedLive',
  UpdatePetSets: 'UpdatePetSets',
  RestartPods: 'RestartPods',
  Successful: 'Successful',
  Failed: 'Failed',
  /** Our addition: the ops request waits for another one on the same database (KubeDB requeues silently). */
  WaitingForOtherOpsRequest: 'WaitingForOtherOpsRequest',
  /** Our addition: restart: auto found nothing to restart for. */
  RestartSkipped: 'RestartSkipped',
  /** Our addition: a pod did not come back with the new config and the previous config was restored. */
  RolledBack: 'RolledBack',
  /** Our addition: every changed directive was set with CONFIG SET on every pod; no pod restarted (ADR 0011). */
  ConfigAppliedLive: 'ConfigAppliedLive',
  /**
   * Our addition (restart: "false"): restart-only directives are persisted but the named pods still run the old
   * values until their next restart — on the ops request and on the Redis, like ElastiCache's CacheNodeIdsToReboot.
   */
  RestartPending: 'RestartPending',
} as const;

export const evictPodCondition = (pod: string): string => `EvictPod--${pod}`;
export const isPodReadyCondition = (pod: string): string => `IsPodReady--${pod}`;
/** Our addition: the primary was failed over (CLUSTER FAILOVER / SENTINEL FAILOVER) before its restart. */
export const failoverCondition = (pod: string): string => `FailoverPrimary--${pod}`;

/** Messages as the Redis guide's describe output shows them. */
export const OpsMessage = {
  Reconfigure: 'Redis ops request is reconfiguring the cluster',
  DatabasePauseSucceeded: 'Successfully paused database',
  PatchedSecret: 'reconfiguring new secret',
  UpdatePetSets: 'reconfiguring redis',
  RestartPods: 'Restarted pods after reconfiguration',
  Successful: 'Successfully completed the modification process.',
} as const;

/** Database (Redis CR) conditions. `Paused` keeps the provisioner away; it does not change the phase. */
export const DbCondition = {
  Paused: 'Paused',
  Ready: 'Ready',
  Provisioned: 'Provisioned',
  ProvisioningStarted: 'ProvisioningStarted',
  ReplicaReady: 'ReplicaReady',
  AcceptingConnection: 'AcceptingConnection',
  /** Our addition: restart-only directives persisted by a restart: "false" reconfigure, not yet in effect. */
  RestartPending: 'RestartPending',
  /** Our addition: a pod's CONFIG GET differs from the declared config (shared/steps/drift/); False once it clears. */
  ConfigDrift: 'ConfigDrift',
} as const;

export const DbPhase = {
  Provisioning: 'Provisioning',
  Ready: 'Ready',
  Critical: 'Critical',
  NotReady: 'NotReady',
} as const;

/** Events recorded on the ops request (reason → message template). */
export const OpsEventReason = {
  PauseDatabase: 'PauseDatabase',
  RestartPods: 'RestartPods',
  ResumeDatabase: 'ResumeDatabase',
  Successful: 'Successful',
  Failed: 'Failed',
} as const;
export const EVENT_SOURCE_COMPONENT = 'KubeDB Ops-manager Operator';

/** Secret keys. */
export const ConfigKey = { Redis: 'redis.conf', Valkey: 'valkey.conf', Default: 'default.conf' } as const;

/** Labels on every offshoot of a Redis (redis_helpers.go OffshootSelectors). */
export const offshootSelectors = (redisName: string): Record<string, string> => ({
  'app.kubernetes.io/name': 'redises.kubedb.com',
  'app.kubernetes.io/instance': redisName,
  'app.kubernetes.io/managed-by': 'kubedb.com',
});

/** Operator-managed config secret: `<redis-name>-<last 6 chars of metadata.uid>` (current ConfigSecretName()). */
export const managedConfigSecretName = (redisName: string, redisUid: string): string =>
  `${redisName}-${redisUid.slice(-6)}`;

export const authSecretName = (redisName: string): string => `${redisName}-auth`;

export const REDIS_PORT = 6379;
