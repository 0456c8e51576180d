/**
 * The entrypoint as the Deployment runs it: a separate Node 24 process configured from the environment, JSON logs
 * on stdout, SIGTERM → drain → exit 0; a bad environment → exit 2 naming the variable.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createOpsRequest,
  createQueue,
  drainQueue,
  startKube,
  startSqs,
  waitFor,
  type Kube,
  type Sqs,
} from './harness.ts';

const MAIN = resolve(import.meta.dirname, '../../functions/forwarder/main.ts');

function run(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const collect = (chunk: Buffer): void =>
    void out.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    );
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out, exited };
}

describe('forwarder main process', () => {
  let kube: Kube;
  let sqs: Sqs;
  let dir: string;

  before(async () => {
    kube = await startKube();
    sqs = await startSqs();
    dir = await mkdtemp(join(tmpdir(), 'forwarder-main-'));
  });
  after(async () => {
    await sqs?.stop();
    await kube?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('forwards, answers its probes, and drains on SIGTERM with exit 0', async (t) => {
    // fauxqs names queues http://sqs.<region>.localhost:<port>/...; the SDK sends to the QueueUrl's host, which does
    // not resolve here, so the process gets the same queue addressed through the emulator's loopback endpoint.
    const queueUrl = await createQueue(sqs, 'halt-main');
    const loopbackQueueUrl = new URL(new URL(queueUrl).pathname, sqs.endpoint).href;
    const kubeconfig = join(dir, 'kubeconfig');
    await kube.server.writeKubeconfig(kubeconfig);
    const p = run({
      CLUSTER_ID: 'main-cluster',
      HALT_QUEUE_URL: loopbackQueueUrl,
      RECOVER_QUEUE_URL: loopbackQueueUrl,
      KUBECONFIG: kubeconfig,
      HEALTH_PORT: '0',
      LEADER_ELECTION: 'true',
      LEASE_NAMESPACE: 'default',
      LEASE_DURATION_SECONDS: '2',
      LEASE_RENEW_SECONDS: '0.5',
      POD_NAME: 'forwarder-0',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    t.after(() => p.child.kill('SIGKILL'));
    await waitFor('ready log line', () => p.out.some((l) => l.includes('"msg":"ready"')), 20_000);
    const logs = p.out.map((l) => JSON.parse(l) as { clusterId?: string; msg: string; url?: string });
    assert.ok(
      logs.every((l) => l.clusterId === 'main-cluster'),
      'every line is JSON naming the cluster',
    );
    const url = logs.find((l) => l.msg === 'health server listening')?.url;
    assert.ok(url !== undefined);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);

    const { uid } = await createOpsRequest(kube, { name: 'via-main' });
    const received: string[] = [];
    await waitFor('forwarded', async () => {
      received.push(...(await drainQueue(sqs, queueUrl)).map((m) => m.data.opsRequest.uid));
      return received.includes(uid);
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${p.out.join('\n')}`);
    });

    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0);
    assert.ok(p.out.some((l) => l.includes('"msg":"lease released"')));
    assert.ok(p.out.some((l) => l.includes('"msg":"forwarder stopped"')));
  });

  it('exits 2 naming the bad variables', async () => {
    const p = run({ CLUSTER_ID: 'bad id', HALT_QUEUE_URL: 'not a url', RESYNC_SECONDS: 'soon' });
    assert.equal(await p.exited, 2);
    const text = p.out.join('\n');
    for (const v of ['CLUSTER_ID', 'HALT_QUEUE_URL', 'RESYNC_SECONDS']) assert.match(text, new RegExp(v));
  });
});
