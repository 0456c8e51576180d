/**
 * `status` and `unpause` against the whole local stack (HTTPS API server, real redis-server pods, fauxqs, the Lambda
 * runner on the built bundles, the forwarder). A disruption budget refuses the eviction (the API server's 429, as a
 * real PodDisruptionBudget does), so the run stays Progressing at "evicting pod": status must show that, and unpause
 * must refuse. With the budget lifted the run finishes on its own. Then a pause left by an ops request that no longer
 * exists (what a deletion mid-run left before) is listed as stranded and lifted by unpause, with an Event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ApiError } from '../infra/local/kube-apiserver/index.ts';
import { waitFor } from '../infra/local/wait.ts';
import { applyObjects } from '../infra/local/manifests.ts';
import { followOpsRequest } from '../infra/local/ops-progress.ts';
import {
  createDatabase,
  getRedis,
  isPaused,
  reconfigure,
  startTestStack,
  waitDatabaseReady,
} from '../test/e2e/harness.ts';
import type { CommandIo } from './command.ts';
import { run } from './main.ts';

const NS = 'cli-e2e';
const DB = 'rd';
const OPS = 'rdops-held';

function captureIo(kubeconfig: string): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    env: { KUBECONFIG: kubeconfig },
    now: () => new Date(),
  };
}

describe('status and unpause on the local stack', { timeout: 600_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const cli = async (...args: string[]) => {
    const io = captureIo(stack.kubeconfigPath);
    const code = await run(args, io);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };

  before(async () => {
    stack = await startTestStack();
    await createDatabase(stack.kubeConfig, NS, DB, 'maxclients 500\n');
    await waitDatabaseReady(stack.kubeConfig, NS, DB);
  });
  after(async () => stack?.cleanup());

  it('status shows the run held at its eviction, and unpause refuses while it is Progressing', async () => {
    stack.api.operations.evictionGuard = (pod) =>
      pod.metadata?.namespace === NS
        ? new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.")
        : undefined;
    await applyObjects(stack.kubeConfig, [
      reconfigure(NS, OPS, DB, { applyConfig: { 'redis.conf': 'maxclients 3000\n' }, restart: 'true' }),
    ] as never);
    const held = await waitFor(
      'status to show the run waiting at its eviction',
      async () => {
        const r = await cli('status', '-n', NS);
        return r.code === 0 && /restart-pod: evicting pod rd-0 \(1\/1\)/.test(r.out) ? r : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    const [header, row] = held.out.split('\n');
    assert.match(header ?? '', /^NAME\s+DATABASE\s+PHASE\s+LAST TRANSITION\s+WAITING FOR$/);
    assert.match(
      row ?? '',
      new RegExp(`^${OPS}\\s+${DB}\\s+Progressing\\s+\\d+[smh]\\S*\\s+restart-pod: evicting pod rd-0`),
    );

    const wide = await cli('status', '-A', '-o', 'wide');
    assert.match(
      wide.out,
      // DEADLINE: within the default hour, counted from the pause.
      new RegExp(`${NS}\\s+${OPS}\\s+${DB}\\s+Progressing.*restart-pod:rd-0\\s+UpdatePetSets=True\\s+in \\d+m`),
    );
    const json = JSON.parse((await cli('status', '-n', NS, '-o', 'json')).out) as {
      items: Array<{ kind: string; name: string; step: string; pod: string }>;
    };
    assert.deepEqual(
      json.items.map((i) => [i.kind, i.name, i.step, i.pod]),
      [['InFlightOpsRequest', OPS, 'restart-pod', 'rd-0']],
    );

    const refused = await cli('unpause', DB, '-n', NS);
    assert.equal(refused.code, 1);
    assert.match(refused.err, new RegExp(`refusing: RedisOpsRequest ${OPS} of Redis ${NS}/${DB} is Progressing`));
    assert.ok(isPaused(await getRedis(stack.kubeConfig, NS, DB)), 'the refusal left the pause in place');

    // The budget lifted: the stall recovery re-sends the eviction and the run ends on its own, resuming the database.
    stack.api.operations.evictionGuard = undefined;
    const done = await followOpsRequest(stack.kubeConfig, NS, OPS, () => undefined, { timeoutMs: 240_000 });
    assert.equal(done.status?.phase, 'Successful');
    const finished = await cli('status', '-n', NS);
    assert.equal(finished.code, 0);
    assert.match(finished.out, /^No ops request in flight in namespace cli-e2e/);
  });

  it('a pause whose ops request is gone is listed as stranded, and unpause lifts it with an Event', async () => {
    const custom = stack.kubeConfig.makeApiClient(CustomObjectsApi);
    const redis = await getRedis(stack.kubeConfig, NS, DB);
    const conditions = [
      ...(redis.status?.conditions ?? []).filter((c) => c.type !== 'Paused'),
      {
        type: 'Paused',
        status: 'True',
        reason: 'Paused',
        message: `Paused by RedisOpsRequest ${NS}/rdops-deleted (uid 00000000-0000-0000-0000-000000000000)`,
        lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    ];
    await custom.patchNamespacedCustomObjectStatus(
      {
        group: 'kubedb.com',
        version: 'v1',
        plural: 'redises',
        namespace: NS,
        name: DB,
        body: { metadata: { resourceVersion: redis.metadata.resourceVersion }, status: { conditions } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const listed = await cli('status', '-n', NS);
    assert.match(listed.out, /Paused databases that no ops request in flight will resume/);
    assert.match(listed.out, new RegExp(`${NS}\\s+${DB}\\s+\\d+s\\s+Paused by RedisOpsRequest ${NS}/rdops-deleted`));

    const lifted = await cli('unpause', DB, '-n', NS);
    assert.equal(lifted.code, 0, lifted.err);
    assert.match(lifted.out, /unpaused \(the Paused condition said: Paused by RedisOpsRequest cli-e2e\/rdops-deleted/);
    assert.equal(isPaused(await getRedis(stack.kubeConfig, NS, DB)), false);
    const events = await stack.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NS });
    const mine = events.items.filter((e) => e.involvedObject.kind === 'Redis' && e.reason === 'ResumeDatabase');
    assert.equal(mine.length, 1);
    assert.match(mine[0]?.message ?? '', /Paused condition removed by redis-reconfigure unpause/);
    assert.equal((await cli('unpause', DB, '-n', NS)).out, `Redis ${NS}/${DB} is not Paused; nothing to do.`);
  });
});
