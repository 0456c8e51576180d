/**
 * The end-to-end fleet: N local clusters (real API servers, real redis-server pods) against one SQS and one runner
 * (infra/local/fleet-stack.ts), and what a user looks at: FleetRollouts on the hub, ops requests in the members.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { startLocalFleet, type LocalFleet, type LocalFleetOptions } from '../../infra/local/fleet-stack.ts';
import { applyObjects } from '../../infra/local/manifests.ts';
import { waitFor } from '../../infra/local/wait.ts';
import { ROLLOUT_UID_LABEL } from '../../shared/fleet/labels.ts';
import { FLEET_API_VERSION, FLEET_GROUP, FLEET_PLURAL, FLEET_VERSION } from '../../shared/fleet/spec.ts';
import { FINISHED_ROLLOUT_PHASES, type FleetRolloutStatus } from '../../shared/fleet/types.ts';
import type { RedisOpsRequest } from '../../shared/kubedb/types.ts';
import { rolloutEventSchema } from '../../shared/messages/rollout-event.ts';
import { newRolloutMessage } from '../../shared/messages/rollout-message.ts';

/** The phases a rollout stops moving in: finished, or Halted (what is in flight has ended, nothing new starts). */
export const SETTLED: readonly string[] = [...FINISHED_ROLLOUT_PHASES, 'Halted'];

export async function startTestFleet(
  opts: Partial<LocalFleetOptions> = {},
): Promise<LocalFleet & { stateDir: string; cleanup(): Promise<void> }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'rr-fleet-'));
  let fleet: LocalFleet;
  try {
    fleet = await startLocalFleet({ stateDir, clusters: 3, resyncSeconds: 5, stallSeconds: 10, ...opts });
  } catch (err) {
    // startLocalFleet stopped what it started; the state dir is this helper's to remove.
    await rm(stateDir, { recursive: true, force: true });
    throw err;
  }
  return Object.assign(fleet, {
    stateDir,
    cleanup: async () => {
      await fleet.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  });
}

const rollouts = { group: FLEET_GROUP, version: FLEET_VERSION, plural: FLEET_PLURAL };

export interface RolloutView {
  metadata: { name: string; uid: string; generation: number };
  status?: FleetRolloutStatus;
}

export async function createRollout(hub: KubeConfig, ns: string, name: string, spec: object): Promise<RolloutView> {
  await applyObjects(hub, [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    { apiVersion: FLEET_API_VERSION, kind: 'FleetRollout', metadata: { name, namespace: ns }, spec } as never,
  ]);
  return getRollout(hub, ns, name);
}

export async function getRollout(hub: KubeConfig, ns: string, name: string): Promise<RolloutView> {
  return (await hub
    .makeApiClient(CustomObjectsApi)
    .getNamespacedCustomObject({ ...rollouts, namespace: ns, name })) as RolloutView;
}

export async function patchRolloutSpec(hub: KubeConfig, ns: string, name: string, spec: object): Promise<void> {
  await applyObjects(hub, [
    { apiVersion: FLEET_API_VERSION, kind: 'FleetRollout', metadata: { name, namespace: ns }, spec } as never,
  ]);
}

export async function waitRollout(
  hub: KubeConfig,
  ns: string,
  name: string,
  done: (s: FleetRolloutStatus) => boolean,
  what: string,
  timeoutMs = 120_000,
): Promise<FleetRolloutStatus> {
  return waitFor(
    `FleetRollout ${ns}/${name}: ${what}`,
    async () => {
      const s = (await getRollout(hub, ns, name)).status;
      return s?.phase !== undefined && done(s) ? s : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** The ops requests of a rollout in every cluster (by its uid label), as `<cluster>/<ns>/<name>` → phase. */
export async function fleetOps(fleet: LocalFleet, uid: string): Promise<Map<string, RedisOpsRequest>> {
  const out = new Map<string, RedisOpsRequest>();
  for (const c of fleet.clusters) {
    const list = (await c.kubeConfig.makeApiClient(CustomObjectsApi).listClusterCustomObject({
      group: 'ops.kubedb.com',
      version: 'v1alpha1',
      plural: 'redisopsrequests',
      labelSelector: `${ROLLOUT_UID_LABEL}=${uid}`,
    })) as { items: RedisOpsRequest[] };
    for (const o of list.items) out.set(`${c.id}/${o.metadata.namespace}/${o.metadata.name}`, o);
  }
  return out;
}

/** What a duplicated or replayed announcement looks like on the rollout queue. */
export async function sendAnnouncement(fleet: LocalFleet, ns: string, name: string, uid: string): Promise<void> {
  const sqs = new SQSClient({
    endpoint: fleet.sqs.endpoint,
    region: fleet.sqs.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const message = newRolloutMessage(
      { version: 1, clusterId: fleet.hub.id, namespace: ns, name, uid, reason: 'announce', traceId: 'replay' },
      'urn:test:replay',
    );
    await sqs.send(
      new SendMessageCommand({ QueueUrl: fleet.sqs.queueUrls['RolloutQueue'], MessageBody: JSON.stringify(message) }),
    );
  } finally {
    sqs.destroy();
  }
}

/** Messages waiting on one of the fleet's queues (by logical id, e.g. `RolloutDLQ`). */
export async function queueDepth(fleet: LocalFleet, logicalId: string): Promise<number> {
  const read = await fleet.sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: fleet.sqs.queueUrls[logicalId],
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const n = (name: 'ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesNotVisible') =>
    Number(read.Attributes?.[name] ?? 0);
  return n('ApproximateNumberOfMessages') + n('ApproximateNumberOfMessagesNotVisible');
}

/**
 * The rollout events of rollout `uid` on a queue subscribed to the events topic, in the order received, once the
 * queue has stayed empty for `quietMs` (so events published late, e.g. by a replayed look, are counted too).
 */
export async function drainRolloutEvents(
  fleet: LocalFleet,
  queueUrl: string,
  uid: string,
  quietMs: number,
): Promise<Array<ReturnType<typeof rolloutEventSchema.parse>>> {
  const events: Array<ReturnType<typeof rolloutEventSchema.parse>> = [];
  let lastSeen = Date.now();
  while (Date.now() - lastSeen < quietMs) {
    const r = await fleet.sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const m of r.Messages ?? []) {
      lastSeen = Date.now();
      const body = JSON.parse(m.Body ?? '') as { type?: string };
      // The step events share the topic; only the rollout's are parsed (and must parse).
      if (body.type?.startsWith('io.redis-reconfigure.fleet.') === true) {
        const event = rolloutEventSchema.parse(body);
        if (event.data.rollout.uid === uid) events.push(event);
      }
      // FIFO: the next message of a group is delivered only once this one is deleted.
      await fleet.sqs.client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return events;
}
