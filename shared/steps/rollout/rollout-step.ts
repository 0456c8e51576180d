/**
 * The rollout step: read the FleetRollout on the hub and the fleet through the ports, decide (shared/fleet, pure),
 * write the status — the progress record, before anything is created, so each database's previous configuration is
 * on record before its change — then create the ops requests (409 = already there: fine), publish the transitions,
 * and schedule the next look as a delayed message. Killed anywhere, the next wake resumes from the status.
 */
import { decideRollout } from '../../fleet/decide.ts';
import { InvalidFleetRolloutError } from '../../fleet/errors.ts';
import { opsRequestObject, type RolloutIdentity } from '../../fleet/ops-object.ts';
import { parseFleetRolloutSpec, type FleetRolloutSpec } from '../../fleet/spec.ts';
import type { OpsRequestToCreate, RolloutDecision } from '../../fleet/types.ts';
import { errorFields } from '../../logging.ts';
import type { EndedOpsRequest, RolloutWake } from '../../messages/rollout-wake.ts';
import { ConflictError } from '../../errors.ts';
import { FINISHED_ROLLOUT_PHASES } from '../../fleet/types.ts';
import { MAX_CONFLICT_RETRIES } from '../timing.ts';
import { endedAlreadyRecorded } from './ended-known.ts';
import { planNextLook } from './next-look.ts';
import { observeClusters } from './observe.ts';
import type { FleetHubPort, FleetRolloutObject, RolloutDeps } from './ports.ts';

type WakeData = RolloutWake['data'];

/** What woke the look besides its data: an ops request's end (an outcome event), and whether this is a redelivery. */
interface WakeCause {
  ended?: EndedOpsRequest;
  redelivered?: boolean;
}

/**
 * Looks run concurrently for one rollout when step events of many ops requests arrive in different batches: the
 * status write is guarded by the resourceVersion, so the loser re-reads and decides again (client-go's
 * RetryOnConflict), before it has created anything.
 */
export async function runRollout(data: WakeData, deps: RolloutDeps, cause: WakeCause = {}): Promise<void> {
  const hub = await deps.hub(data.clusterId);
  for (let attempt = 0; ; attempt++) {
    try {
      return await lookOnce(data, hub, deps, cause);
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw err;
      deps.log.info('fleet rollout status written by another look meanwhile; deciding again', { attempt });
    }
  }
}

async function lookOnce(data: WakeData, hub: FleetHubPort, deps: RolloutDeps, cause: WakeCause): Promise<void> {
  const rollout = await hub.getRollout(data.namespace, data.name);
  if (rollout === undefined) return deps.log.info('fleet rollout gone; nothing to do');
  const uid = rollout.metadata.uid ?? '';
  if (data.uid !== undefined && data.uid !== uid) return deps.log.info('a look for an earlier rollout of that name');
  if (cause.ended !== undefined && wokenForNothing(cause.ended, rollout, cause.redelivered === true, deps)) return;
  const spec = await parsedSpec(rollout, hub, deps);
  if (spec === undefined) return;
  const now = deps.now();
  const identity: RolloutIdentity = { hubClusterId: data.clusterId, namespace: data.namespace, name: data.name, uid };
  const clusters = await observeClusters(deps, uid);
  const ref = { namespace: data.namespace, name: data.name, uid, generation: rollout.metadata.generation ?? 1 };
  const decision = decideRollout(spec, { rollout: ref, status: rollout.status, clusters }, now, {
    ...(deps.lookSeconds !== undefined ? { inFlightLookSeconds: deps.lookSeconds } : {}),
  });
  const look = planNextLook(decision.nextLookSeconds, rollout.status?.nextLookAt, data, now);
  // The transitions are published before the status that records them is written: a look killed after its write
  // (at a create that hangs, say) would otherwise lose them for good, since the next look starts from that status.
  // They are facts of what was observed (an ops request's end is sticky), so a look that loses the write race decides
  // them again, and their ids are deterministic: a transition published twice is one event for a consumer
  // (deduplicated by the FIFO topic, by id for everyone else — docs/events.md).
  await publishAll(identity, decision, deps);
  await hub.writeRolloutStatus(rollout, { ...decision.status, nextLookAt: look.nextLookAt ?? null });
  await createAll(spec, identity, [...decision.create, ...decision.rollbackCreate], deps);
  if (look.delaySeconds !== undefined) {
    await deps.queue.sendLook(
      { ...data, uid, reason: 'look', ...(look.nextLookAt !== undefined ? { lookAt: look.nextLookAt } : {}) },
      look.delaySeconds,
    );
  }
  deps.log.info('fleet rollout looked at', {
    phase: decision.status.phase,
    wave: decision.status.wave,
    created: decision.create.length,
    rollbacks: decision.rollbackCreate.length,
    nextLookSeconds: look.delaySeconds,
  });
}

/** An outcome event for a finished rollout (nothing in flight), or for an ops request whose end the status already records: a no-op. */
function wokenForNothing(
  ended: EndedOpsRequest,
  rollout: FleetRolloutObject,
  redelivered: boolean,
  deps: RolloutDeps,
): boolean {
  const phase = rollout.status?.phase;
  const fields = { endedOpsRequest: `${ended.cluster}/${ended.namespace}/${ended.name}`, endedPhase: ended.phase };
  // Aborted with ops requests still running is not done: their ends are counted in the status, so they are looked at.
  const inFlight = (rollout.status?.targets ?? []).some(
    (t) => t.state === 'Progressing' || t.rollback?.state === 'Progressing',
  );
  if (phase !== undefined && FINISHED_ROLLOUT_PHASES.has(phase) && !inFlight) {
    deps.log.info('an ops request of a finished fleet rollout ended; nothing to do', { ...fields, phase });
    return true;
  }
  if (!endedAlreadyRecorded(ended, rollout.status, redelivered)) return false;
  deps.log.info('the status already records that ops request as ended; no look needed', fields);
  return true;
}

/** An invalid spec is the user's to fix: said in the status (the edit wakes the rollout again), nothing done. */
async function parsedSpec(
  rollout: FleetRolloutObject,
  hub: FleetHubPort,
  deps: RolloutDeps,
): Promise<FleetRolloutSpec | undefined> {
  try {
    return parseFleetRolloutSpec(rollout.spec);
  } catch (err) {
    if (!(err instanceof InvalidFleetRolloutError)) throw err;
    deps.log.warn('invalid fleet rollout spec', { message: err.message });
    const now = deps.now().toISOString();
    await hub.writeRolloutStatus(rollout, {
      phase: rollout.status?.phase ?? 'Pending',
      observedGeneration: rollout.metadata.generation ?? 1,
      message: `invalid spec: ${err.message}`,
      conditions: [
        { type: 'SpecValid', status: 'False', reason: 'InvalidSpec', message: err.message, lastTransitionTime: now },
      ],
    });
    return undefined;
  }
}

/** Every create is tried (one cluster's outage must not hold back the others); the first failure is then thrown. */
async function createAll(
  spec: FleetRolloutSpec,
  identity: RolloutIdentity,
  creates: OpsRequestToCreate[],
  deps: RolloutDeps,
): Promise<void> {
  const results = await Promise.allSettled(
    creates.map(async (op) => {
      const member = await deps.member(op.cluster);
      const outcome = await member.createOpsRequest(opsRequestObject(spec, identity, op));
      deps.log.info('ops request for the rollout', {
        clusterId: op.cluster,
        namespace: op.namespace,
        name: op.name,
        outcome,
      });
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  // The status says Progressing for it: the redelivered message (or the next look) creates it again, same name.
  if (failed !== undefined) throw failed.reason;
}

/** The bus being down does not stop the rollout (the status has the whole story), as for the step events. */
async function publishAll(identity: RolloutIdentity, decision: RolloutDecision, deps: RolloutDeps): Promise<void> {
  for (const t of decision.events) {
    try {
      await deps.events.publish(
        { clusterId: identity.hubClusterId, namespace: identity.namespace, name: identity.name, uid: identity.uid },
        t,
      );
    } catch (err) {
      deps.log.warn('rollout event not published', { type: t.type, ...errorFields(err) });
    }
  }
}
