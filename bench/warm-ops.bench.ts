/**
 * CPU per client operation a warm invocation is made of, each measured alone in a worker thread (as an execution
 * environment) against the local components: a Kubernetes GET through kube-rest (TLS kept alive), an SQS
 * SendMessage through the AWS SDK, and live apply's CONFIG SET + CONFIG GET on one pod with and without connection
 * reuse. Thread CPU, averaged over many calls, so far less noisy on a loaded machine than a whole invocation.
 * Usage: npx node bench/warm-ops.bench.ts [calls per operation]   (default 200)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PodIpAllocator } from '../infra/local/controllers/kubelet/ip-allocator.ts';
import { RedisProcess } from '../infra/local/controllers/kubelet/redis-process.ts';
import { startLocalSqs } from '../infra/local/sqs/index.ts';
import { startLocalStack } from '../infra/local/stack.ts';

export async function run(n = 200): Promise<Array<Record<string, string | number>>> {
  const stateDir = await mkdtemp(join(tmpdir(), 'rr-bench-ops-'));
  const stack = await startLocalStack({ stateDir, pipeline: false });
  const sqs = await startLocalSqs({ stage: 'local' });
  const ip = await new PodIpAllocator().allocate('ops');
  await writeFile(join(stateDir, 'r.conf'), `dir ${stateDir}\nsave ""\nappendonly no\n`);
  const redis = RedisProcess.start({
    configFile: join(stateDir, 'r.conf'),
    args: ['--requirepass', 'pw', '--bind', ip, '--port', '6379'],
    cwd: stateDir,
  });
  try {
    if (!(await redis.waitReady(ip, 6379, 'pw', { deadlineMs: 10_000, intervalMs: 20 })))
      throw new Error('redis-server did not start');
    const load = loadavg()[0] ?? 0;
    const worker = new Worker(new URL('./warm-ops-worker.ts', import.meta.url), {
      workerData: {
        kubeconfigPath: stack.kubeconfigPath,
        queueUrl: sqs.queueUrls['HaltQueue'],
        redis: { host: ip, port: 6379, password: 'pw' },
        n,
      },
      env: {
        ...process.env,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        AWS_REGION: sqs.region,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    });
    const perCall = await new Promise<Record<string, number>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const loads = `${load.toFixed(1)}–${(loadavg()[0] ?? 0).toFixed(1)}`;
    return Object.entries(perCall).map(([operation, ms]) => ({
      operation,
      'CPU ms per call': ms.toFixed(2),
      calls: n,
      'load 1 min': loads,
    }));
  } finally {
    await redis.stop(2000);
    await sqs.stop();
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.table(await run(Number(process.argv[2]) || undefined));
