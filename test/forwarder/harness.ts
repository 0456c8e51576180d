/**
 * Real components for the forwarder's integration tests: the local Kubernetes API server (HTTPS) and the fauxqs SQS
 * emulator over HTTP with the real @aws-sdk/client-sqs. Everything binds to 127.0.0.1 on ephemeral ports.
 */
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { buildApp } from 'fauxqs';
import { OPS_GROUP, OPS_PLURAL, OPS_VERSION } from '../../shared/kubedb/constants.ts';
import { parseStepMessage } from '../../shared/messages/parse.ts';
import type { StepMessage } from '../../shared/messages/step-message.ts';
import { startKubeApiServer, type KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import type { ForwarderConfig } from '../../functions/forwarder/config.ts';
import {
  forwarderLogger,
  startForwarder,
  type Forwarder,
  type ForwarderDeps,
} from '../../functions/forwarder/forwarder.ts';
import type { Logger } from '../../shared/logging.ts';

export interface Sqs {
  endpoint: string;
  client: SQSClient;
  stop(): Promise<void>;
}

/**
 * fauxqs's `startFauxqs` always listens on 0.0.0.0; the tests may bind only loopback, so its app is started here
 * on 127.0.0.1 instead (same server, same handlers).
 */
export async function startSqs(): Promise<Sqs> {
  const app = buildApp({ logger: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const endpoint = new URL(address).origin;
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await app.close();
    },
  };
}

export async function createQueue(sqs: Sqs, name: string): Promise<string> {
  const out = await sqs.client.send(new CreateQueueCommand({ QueueName: name }));
  if (out.QueueUrl === undefined) throw new Error('CreateQueue returned no QueueUrl');
  return out.QueueUrl;
}

/** Receives (and deletes) everything visible on the queue now; every body must be a valid step message. */
export async function drainQueue(sqs: Sqs, queueUrl: string): Promise<StepMessage[]> {
  const out: StepMessage[] = [];
  for (;;) {
    const r = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = r.Messages ?? [];
    if (messages.length === 0) return out;
    out.push(...messages.map((m) => parseStepMessage(m.Body ?? '')));
    await sqs.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

export interface Kube {
  server: KubeApiServer;
  kc: KubeConfig;
  api: CustomObjectsApi;
  stop(): Promise<void>;
}

export async function startKube(opts: { bookmarkIntervalMs?: number } = {}): Promise<Kube> {
  const server = await startKubeApiServer({ bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1_000, onError: () => {} });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return { server, kc, api: kc.makeApiClient(CustomObjectsApi), stop: () => server.stop() };
}

export async function createNamespace(kube: Kube, name: string): Promise<void> {
  await kube.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
}

const ref = { group: OPS_GROUP, version: OPS_VERSION, plural: OPS_PLURAL };

export interface OpsSpec {
  name: string;
  namespace?: string;
  type?: string;
  phase?: string;
}

/** Creates a RedisOpsRequest (like `kubectl apply`), then sets its status through the status subresource. */
export async function createOpsRequest(kube: Kube, o: OpsSpec): Promise<{ uid: string }> {
  const namespace = o.namespace ?? 'default';
  const created = (await kube.api.createNamespacedCustomObject({
    ...ref,
    namespace,
    body: {
      apiVersion: `${OPS_GROUP}/${OPS_VERSION}`,
      kind: 'RedisOpsRequest',
      metadata: { name: o.name, namespace },
      spec: {
        type: o.type ?? 'Reconfigure',
        databaseRef: { name: 'sample-redis' },
        ...((o.type ?? 'Reconfigure') === 'Reconfigure'
          ? { configuration: { applyConfig: { 'redis.conf': 'maxclients 2000\n' } } }
          : {}),
      },
    },
  })) as { metadata: { uid: string } };
  if (o.phase !== undefined) await setPhase(kube, o.name, o.phase, namespace);
  return { uid: created.metadata.uid };
}

export async function setPhase(kube: Kube, name: string, phase: string, namespace = 'default'): Promise<void> {
  await kube.api.patchNamespacedCustomObjectStatus(
    { ...ref, namespace, name, body: { status: { phase } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** Polls `condition` until true or the deadline (never a fixed sleep). */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function forwarderConfig(queueUrl: string, overrides: Partial<ForwarderConfig> = {}): ForwarderConfig {
  return {
    clusterId: 'test-cluster',
    haltQueueUrl: queueUrl,
    // The suites' ops requests are all due for halt; one queue keeps every announcement where they look.
    recoverQueueUrl: queueUrl,
    wakeUps: true,
    watchNamespaces: [],
    resyncSeconds: 3_600,
    healthHost: '127.0.0.1',
    healthPort: 0,
    leaderElection: false,
    leaseNamespace: 'default',
    leaseName: 'redis-reconfigure-forwarder',
    identity: 'forwarder-a',
    leaseDurationSeconds: 2,
    leaseRenewSeconds: 0.5,
    watchSilenceSeconds: 5,
    drainTimeoutSeconds: 5,
    logLevel: 'warn',
    ...overrides,
  };
}

/** Collects log lines (JSON) so a failing test can show them; quiet otherwise. */
export function memoryLogger(clusterId = 'test-cluster'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  // FORWARDER_TEST_LOGS=1 shows the forwarder's log lines while debugging a test.
  const echo = process.env.FORWARDER_TEST_LOGS === '1';
  const sink = (_level: string, line: string): void => {
    lines.push(line);
    if (echo) process.stderr.write(`${line}\n`);
  };
  return { lines, logger: forwarderLogger(clusterId, 'debug', sink) };
}

export function runForwarder(kube: Kube, sqs: Sqs, config: ForwarderConfig, deps: ForwarderDeps = {}): Forwarder {
  return startForwarder(config, {
    kubeConfig: kube.kc,
    sqs: sqs.client,
    logger: memoryLogger(config.clusterId).logger,
    ...deps,
  });
}
