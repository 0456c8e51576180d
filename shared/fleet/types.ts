/**
 * What decideRollout reads (the observed world: the rollout's own last status and every selected cluster as the
 * rollout function saw it just now) and what it writes (the status). The status is the rollout's progress record:
 * the frozen plan, each database's previous configuration, the moment each wave finished.
 */
import type { Condition } from '../kubedb/types.ts';

export const ROLLOUT_PHASES = [
  'Pending',
  'Progressing',
  'Soaking',
  'Paused',
  'Halted',
  'Aborted',
  'Completed',
  'RolledBack',
] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];
/** A rollout in one of these is done for good: nothing more is decided for it. */
export const FINISHED_ROLLOUT_PHASES: ReadonlySet<RolloutPhase> = new Set(['Completed', 'Aborted', 'RolledBack']);

/** The Redis's spec.configuration (+ the legacy spec.configSecret) as the rollout saw it before changing anything. */
export interface PreviousConfiguration {
  secretName?: string;
  inline?: Record<string, string>;
}

export interface ObservedDatabase {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  mode: 'Standalone' | 'Cluster' | 'Sentinel';
  version: string;
  /** status.phase === Ready. */
  ready: boolean;
  configuration: PreviousConfiguration;
}

/** A RedisOpsRequest of this rollout in a member cluster (found by its rollout label). */
export interface ObservedOpsRequest {
  namespace: string;
  name: string;
  phase: string;
  /** The last condition's reason and message: why a Failed one failed. */
  reason?: string;
  message?: string;
}

export type ObservedCluster =
  | {
      id: string;
      labels: Record<string, string>;
      reachable: true;
      databases: ObservedDatabase[];
      opsRequests: ObservedOpsRequest[];
    }
  | { id: string; labels: Record<string, string>; reachable: false; error: string };

export interface RolloutRef {
  namespace: string;
  name: string;
  uid: string;
  generation: number;
}

export interface ObservedRollout {
  rollout: RolloutRef;
  status: FleetRolloutStatus | undefined;
  /** Every registered cluster (the selector is applied by the decision, so the status can say what it chose). */
  clusters: ObservedCluster[];
}

/** One database's place in the rollout. `Pending`: not created yet; `Progressing`: its ops request runs. */
export type TargetState = 'Pending' | 'Progressing' | 'Succeeded' | 'Failed';
export type RollbackState = 'Pending' | 'Progressing' | 'Succeeded' | 'Failed';

export interface RolloutTarget {
  cluster: string;
  namespace: string;
  name: string;
  /** 0 is the canary when there is one. */
  wave: number;
  canary: boolean;
  opsRequest: string;
  state: TargetState;
  reason?: string;
  message?: string;
  previous?: PreviousConfiguration;
  rollback?: { opsRequest: string; state: RollbackState; reason?: string; message?: string };
}

export interface WaveRecord {
  index: number;
  /** When every database of the wave had finished (the soak starts here). */
  finishedAt?: string;
  /** When the soak ended with the wave still healthy: the next wave may start. */
  passedAt?: string;
}

export interface PhaseCounts {
  total: number;
  pending: number;
  progressing: number;
  succeeded: number;
  failed: number;
  rolledBack: number;
}

export interface ClusterCounts extends PhaseCounts {
  id: string;
  reachable: boolean;
}

export interface FailedDatabase {
  cluster: string;
  namespace: string;
  name: string;
  reason: string;
  message: string;
}

export interface FleetRolloutStatus {
  phase: RolloutPhase;
  observedGeneration: number;
  /** "2/3": the wave running now over the waves planned (printer column). */
  wave: string;
  currentWave: number;
  totalWaves: number;
  counts: PhaseCounts;
  clusters: ClusterCounts[];
  failed: FailedDatabase[];
  targets: RolloutTarget[];
  waves: WaveRecord[];
  startedAt?: string;
  finishedAt?: string;
  /** Why the rollout halted (budget spent, canary failed, soak caught an unhealthy database). */
  haltReason?: string;
  message: string;
  conditions: Condition[];
}

/** The ops request to create in a member cluster (names are deterministic: a repeat is a 409, which is fine). */
export interface OpsRequestToCreate {
  cluster: string;
  namespace: string;
  name: string;
  database: string;
  purpose: 'apply' | 'rollback';
  configuration: {
    applyConfig?: Record<string, string>;
    removeCustomConfig?: boolean;
    configSecret?: { name: string };
    restart?: 'auto' | 'true' | 'false';
  };
}

export const ROLLOUT_EVENT_TYPES = [
  'Started',
  'WaveCompleted',
  'Paused',
  'Resumed',
  'Halted',
  'Aborted',
  'Completed',
  'RolledBack',
] as const;
export type RolloutEventType = (typeof ROLLOUT_EVENT_TYPES)[number];

export interface RolloutTransition {
  type: RolloutEventType;
  /** Deterministic: the same transition decided twice has the same id (the FIFO topic deduplicates on it). */
  id: string;
  wave?: number;
  message: string;
}

export interface RolloutDecision {
  create: OpsRequestToCreate[];
  rollbackCreate: OpsRequestToCreate[];
  status: FleetRolloutStatus;
  events: RolloutTransition[];
  /** When the rollout wants its next look even if nothing wakes it (soak end, or a periodic check while running). */
  nextLookSeconds: number | undefined;
}
