/**
 * What the forwarder announces to the halt queue (pure; no I/O).
 *
 * The forwarder does not decide what is due: the handlers re-read the ops request and act only if its status says
 * their step is still due, so an announcement is a hint and a duplicate is a no-op (design.md "Source of truth is the
 * cluster"). What matters here is that every live Reconfigure ops request is announced often enough that a lost or
 * dead-lettered message never strands it, and not so often that the forwarder floods the queue.
 */
import * as z from 'zod';
import { isTerminalPhase, OPS_GROUP, OPS_KIND, OPS_VERSION } from '../../shared/kubedb/constants.ts';
import { describeIssues } from '../../shared/messages/parse.ts';
import { dueStep } from '../../shared/steps/progress.ts';

const conditionSchema = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string(),
});

/**
 * The parts of a RedisOpsRequest the forwarder reads, validated at the edge. Annotations and conditions only route
 * the announcement (announceTo): unreadable ones are dropped rather than making the whole object unreadable, and such
 * a request is announced to halt, which re-reads it.
 */
export const watchedOpsRequestSchema = z.object({
  apiVersion: z.literal(`${OPS_GROUP}/${OPS_VERSION}`).optional(),
  kind: z.literal(OPS_KIND).optional(),
  metadata: z.object({
    name: z.string().min(1),
    namespace: z.string().min(1),
    uid: z.string().min(1),
    resourceVersion: z.string().optional(),
    generation: z.number().int().optional(),
    annotations: z.record(z.string(), z.string()).optional().catch(undefined),
  }),
  spec: z.object({
    type: z.string(),
    /** Which database: wake-ups index waiting ops requests by it (wake-ups.ts). */
    databaseRef: z
      .object({ name: z.string().min(1) })
      .optional()
      .catch(undefined),
  }),
  status: z
    .object({ phase: z.string().optional(), conditions: z.array(conditionSchema).optional().catch(undefined) })
    .optional(),
});

export type WatchedOpsRequest = z.output<typeof watchedOpsRequestSchema>;

export type ReadResult = { ok: true; opsRequest: WatchedOpsRequest } | { ok: false; error: string };

/** Validates an object from the API; the error names every bad path. */
export function readOpsRequest(object: unknown): ReadResult {
  const result = watchedOpsRequestSchema.safeParse(object);
  return result.success ? { ok: true, opsRequest: result.data } : { ok: false, error: describeIssues(result.error) };
}

export const RECONFIGURE = 'Reconfigure';

export type Decision =
  | { announce: true; reason: 'added' | 'reopened' | 'generation-changed' | 'resync' | 'deleted' }
  | { announce: false; reason: 'not-reconfigure' | 'terminal' | 'status-update' | 'deleted' };

export const isReconfigure = (o: WatchedOpsRequest): boolean => o.spec.type === RECONFIGURE;

/** A Reconfigure ops request that has not finished: the only kind the forwarder ever announces. */
export const isLive = (o: WatchedOpsRequest): boolean => isReconfigure(o) && !isTerminalPhase(o.status?.phase);

function gate(o: WatchedOpsRequest): Decision | undefined {
  if (!isReconfigure(o)) return { announce: false, reason: 'not-reconfigure' };
  if (isTerminalPhase(o.status?.phase)) return { announce: false, reason: 'terminal' };
  return undefined;
}

/** ADDED, including every object of the initial list (a forwarder restart re-announces all live ones). */
export function decideOnAdded(o: WatchedOpsRequest): Decision {
  return gate(o) ?? { announce: true, reason: 'added' };
}

/**
 * MODIFIED is announced only when the object became live again (terminal → non-terminal, e.g. a status reset) or
 * its spec changed (`metadata.generation` moves on spec writes only). Every other update is a status or metadata
 * write — almost always by our own step functions (conditions, phase Progressing) — and announcing those would make
 * each step's write trigger a new halt message: a message storm that grows with every condition written. The
 * periodic resync covers anything a MODIFIED might have meant.
 */
export function decideOnModified(old: WatchedOpsRequest, o: WatchedOpsRequest): Decision {
  const gated = gate(o);
  if (gated !== undefined) return gated;
  if (isTerminalPhase(old.status?.phase)) return { announce: true, reason: 'reopened' };
  if (!isReconfigure(old)) return { announce: true, reason: 'added' };
  if (old.metadata.generation !== o.metadata.generation) return { announce: true, reason: 'generation-changed' };
  return { announce: false, reason: 'status-update' };
}

/** Each resync period, every live ops request is announced again: the handlers decide whether anything is due. */
export function decideOnResync(o: WatchedOpsRequest): Decision {
  return gate(o) ?? { announce: true, reason: 'resync' };
}

/** All messages of one run share a trace id derived from the ops request's uid (one home: shared/observability). */
export { traceIdFor } from '../../shared/observability/trace-context.ts';

/** Where an announcement goes: halt while halt is due, otherwise recover, which looks for a stalled step. */
export type AnnounceTarget = 'halt' | 'recover';

/**
 * By the same pure `dueStep` every handler applies. A restart plan annotation that cannot be read makes `dueStep`
 * throw; such a run is past halt, and recover's handler reports the error (the record then reaches its DLQ).
 */
export function announceTo(o: WatchedOpsRequest): AnnounceTarget {
  try {
    return dueStep(o).step === 'halt' ? 'halt' : 'recover';
  } catch {
    return 'recover';
  }
}

/**
 * The slice of a RedisOpsRequest the forwarder keeps in its ListWatch cache (the ListWatch transform): what
 * `readOpsRequest` reads, nothing else — managedFields, spec.configuration and the rest stay out of memory.
 */
export function slimOpsRequest<T extends { metadata?: unknown }>(object: T): T {
  const o = object as {
    apiVersion?: string;
    kind?: string;
    metadata?: Record<string, unknown>;
    spec?: { type?: unknown; databaseRef?: unknown };
    status?: { phase?: unknown; conditions?: unknown };
  };
  const m = o.metadata ?? {};
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: {
      name: m['name'],
      namespace: m['namespace'],
      uid: m['uid'],
      resourceVersion: m['resourceVersion'],
      generation: m['generation'],
      annotations: m['annotations'],
    },
    spec: { type: o.spec?.type, databaseRef: o.spec?.databaseRef },
    ...(o.status !== undefined ? { status: { phase: o.status.phase, conditions: o.status.conditions } } : {}),
  } as unknown as T;
}
