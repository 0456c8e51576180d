/**
 * The client side of bench/warm-ops.bench.ts, in its own thread as a function's execution environment is, so that
 * its thread CPU holds only the client's work (the local API server and SQS emulator run on the main thread).
 * Each operation: warm-up calls first (connections, JIT), then `n` calls; the reply is CPU ms per call.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeAdapter } from '../shared/adapters/kube/kube-adapter.ts';
import { RedisAdapter } from '../shared/adapters/redis/redis-adapter.ts';
import type { RedisTarget } from '../shared/steps/ports.ts';

interface Input {
  kubeconfigPath: string;
  queueUrl: string;
  redis: RedisTarget;
  n: number;
}
const input = workerData as Input;
const WARM_UP = 10;

async function cpuPerCall(work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARM_UP; i++) await work();
  const before = process.threadCpuUsage();
  for (let i = 0; i < input.n; i++) await work();
  const used = process.threadCpuUsage(before);
  return (used.user + used.system) / 1000 / input.n;
}

const kc = new KubeConfig();
kc.loadFromFile(input.kubeconfigPath);
const kube = new KubeAdapter(kc);
const sqs = new SQSClient({});
// A step message is ~1 KB of CloudEvents JSON with three message attributes (shared/adapters/queue/sqs-queue.ts).
const body = JSON.stringify({ specversion: '1.0', data: { pad: 'x'.repeat(900) } });
const perCall: Record<string, number> = {
  'Kubernetes GET (kube-rest, kept-alive TLS)': await cpuPerCall(() => kube.getRedis('default', 'absent')),
  'SQS SendMessage (AWS SDK v3)': await cpuPerCall(() =>
    sqs.send(
      new SendMessageCommand({
        QueueUrl: input.queueUrl,
        MessageBody: body,
        MessageAttributes: { subject: { DataType: 'String', StringValue: 'x' } },
      }),
    ),
  ),
};
for (const reuseForMs of [0, 1000]) {
  const redis = new RedisAdapter({ reuseForMs });
  perCall[`Redis CONFIG SET + CONFIG GET, reuse ${reuseForMs} ms`] = await cpuPerCall(async () => {
    await redis.configSet(input.redis, ['maxclients', '500']);
    await redis.configGet(input.redis, ['maxclients']);
  });
}
parentPort?.postMessage(perCall);
