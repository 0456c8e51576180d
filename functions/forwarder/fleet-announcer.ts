/**
 * The hub forwarder's second watch (on when ROLLOUT_QUEUE_URL is set): list+watch FleetRollouts and announce each to
 * the rollout queue — when it appears, when its spec changes (metadata.generation: pause, resume, abort, an edit),
 * and again every resync for those not finished, which makes good a lost look. Its own status writes bump only the
 * resourceVersion, never the generation, so the rollout does not wake itself through here. Announcements are hints
 * (the rollout decides from its status), so a duplicate — a second replica, a relist — is harmless.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { KubeConfig } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { FLEET_GROUP, FLEET_PLURAL, FLEET_VERSION } from '../../shared/fleet/spec.ts';
import type { Logger } from '../../shared/logging.ts';
import { newRolloutMessage } from '../../shared/messages/rollout-message.ts';
import { formatTraceparent, startTraceFor } from '../../shared/observability/trace-context.ts';
import { kubeWatchSource } from '../../shared/adapters/kube/kube-watch-source.ts';
import { ListWatch, type ListWatchEvent } from '../../shared/adapters/kube/list-watch.ts';
import type { KubeObject } from '../../shared/adapters/kube/list-watch-source.ts';

type RolloutObject = KubeObject & { status?: { phase?: string } };

const FINISHED = new Set(['Completed', 'Aborted', 'RolledBack']);

interface FleetAnnouncerOptions {
  kc: KubeConfig;
  clusterId: string;
  queueUrl: string;
  resyncSeconds: number;
  log: Logger;
  sqs?: SQSClient;
}

interface FleetAnnouncer {
  stop(): Promise<void>;
}

function startFleetAnnouncer(opts: FleetAnnouncerOptions): FleetAnnouncer {
  const sqs = opts.sqs ?? new SQSClient({});
  const known = new Map<string, RolloutObject>();
  const announce = async (o: RolloutObject): Promise<void> => {
    const { namespace, name, uid } = o.metadata ?? {};
    if (namespace === undefined || name === undefined) return;
    const data = { version: 1 as const, clusterId: opts.clusterId, namespace, name, reason: 'announce' as const };
    // One trace per rollout, its id derived from the uid (as an ops request's): every announcement joins it.
    const trace = uid !== undefined ? startTraceFor(uid) : undefined;
    const message = newRolloutMessage(
      { ...data, ...(uid !== undefined ? { uid } : {}), traceId: trace?.traceId ?? randomUUID() },
      `urn:redis-reconfigure:forwarder:${opts.clusterId}`,
      new Date(),
      trace !== undefined ? { traceparent: formatTraceparent(trace) } : {},
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: opts.queueUrl, MessageBody: JSON.stringify(message) }));
    opts.log.info('fleet rollout announced', { namespace, name });
  };
  const announceSafely = (o: RolloutObject): Promise<void> =>
    announce(o).catch((err: unknown) => opts.log.warn('fleet rollout announcement failed', { err: String(err) }));
  const handle = async (event: ListWatchEvent<RolloutObject>): Promise<void> => {
    if (event.type === 'synced') {
      for (const o of event.objects) known.set(key(o), o);
      return void (await Promise.all(event.objects.map(announceSafely)));
    }
    if (event.type === 'deleted') return void known.delete(key(event.object));
    known.set(key(event.object), event.object);
    const changed = event.type === 'added' || event.object.metadata?.generation !== event.old.metadata?.generation;
    if (changed) await announceSafely(event.object);
  };
  const lw = new ListWatch<RolloutObject>(
    kubeWatchSource<RolloutObject>(opts.kc, { group: FLEET_GROUP, version: FLEET_VERSION, plural: FLEET_PLURAL }),
    handle,
    { logger: opts.log },
  );
  lw.run().catch((err: unknown) => opts.log.error('fleet rollout watch stopped', { err: String(err) }));
  const timer = setInterval(() => {
    for (const o of known.values()) if (!FINISHED.has(o.status?.phase ?? '')) void announceSafely(o);
  }, opts.resyncSeconds * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await lw.stop();
    },
  };
}

const key = (o: RolloutObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** The hook main.ts calls: the announcer when ROLLOUT_QUEUE_URL names the rollout queue (the hub), else none. */
export function fleetAnnouncerFromEnv(
  env: NodeJS.ProcessEnv,
  config: { clusterId: string; kubeconfigPath?: string; resyncSeconds: number },
  log: Logger,
): FleetAnnouncer | undefined {
  const queueUrl = env.ROLLOUT_QUEUE_URL?.trim() ?? '';
  if (queueUrl === '') return undefined;
  const kc = new KubeConfig();
  if (config.kubeconfigPath !== undefined) kc.loadFromFile(config.kubeconfigPath);
  else kc.loadFromCluster();
  return startFleetAnnouncer({ kc, clusterId: config.clusterId, queueUrl, resyncSeconds: config.resyncSeconds, log });
}
