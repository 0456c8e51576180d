/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- API JSON is checked by the assertions */
/** The real kubectl (v1.32) against the local server: apply (client- and server-side), get/-w, patch, wait, describe, delete. */
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { eventually, startTestServer } from './helpers.ts';
import { KUBEDB_EXAMPLES } from '../shared-reference.ts';

const EXAMPLES = KUBEDB_EXAMPLES;

void describe('kubectl compatibility', () => {
  let s: KubeApiServer;
  let dir: string;
  let kubeconfig: string;

  const kubectl = (args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      // HOME points at a temp dir so kubectl's discovery cache never leaks between runs.
      const child = execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, ...args],
        { env: { ...process.env, HOME: dir }, timeout: 30_000 },
        (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
        },
      );
      if (input !== undefined) child.stdin!.end(input);
    });
  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await kubectl(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0)
      throw new Error('kubectl is required for these tests but was not found on PATH');
    dir = await mkdtemp(join(tmpdir(), 'kubectl-test-'));
    s = await startTestServer();
    kubeconfig = join(dir, 'kubeconfig');
    await s.writeKubeconfig(kubeconfig);
  });
  after(async () => {
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void it('applies a Namespace, a Secret, a Redis and a RedisOpsRequest and prints printer columns', async () => {
    assert.match(
      await ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n'),
      /namespace\/demo created/,
    );
    assert.match(
      await ok(['apply', '-f', join(EXAMPLES, 'reconfigure/acl/old-acl-secret.yaml')]),
      /secret\/old-acl-secret created/,
    );
    assert.match(
      await ok(['apply', '-f', join(EXAMPLES, 'reconfigure/sample-redis-config.yaml')]),
      /redis.kubedb.com\/sample-redis created/,
    );
    assert.match(
      await ok(['apply', '-f', join(EXAMPLES, 'reconfigure/rdops-reconfigure.yaml')]),
      /redisopsrequest.ops.kubedb.com\/rdops-reconfigure created/,
    );
    assert.match(await ok(['apply', '-f', join(EXAMPLES, 'reconfigure/sample-redis-config.yaml')]), /unchanged/);
    const out = await ok(['get', 'rd,rdops', '-n', 'demo']);
    assert.match(out, /NAME\s+VERSION\s+STATUS\s+AGE/);
    assert.match(out, /redis.kubedb.com\/sample-redis\s+8.2.2/);
    assert.match(out, /NAME\s+TYPE\s+STATUS\s+AGE/);
    assert.match(out, /rdops-reconfigure\s+Reconfigure/);
    const secret = JSON.parse(await ok(['get', 'secret', 'old-acl-secret', '-n', 'demo', '-o', 'json']));
    assert.equal(Buffer.from(secret.data.k1, 'base64').toString(), 'pass1');
    assert.match(await ok(['get', 'rd', 'sample-redis', '-n', 'demo', '-o', 'yaml']), /kind: Redis/);
  });

  void it('re-applies a changed manifest as a merge patch and bumps generation', async () => {
    const changed = (await import('node:fs'))
      .readFileSync(join(EXAMPLES, 'reconfigure/sample-redis-config.yaml'), 'utf8')
      .replace('"8.2.2"', '"7.4.0"');
    assert.match(await ok(['apply', '-f', '-'], changed), /configured/);
    const rd = JSON.parse(await ok(['get', 'rd', 'sample-redis', '-n', 'demo', '-o', 'json']));
    assert.equal(rd.spec.version, '7.4.0');
    assert.equal(rd.metadata.generation, 2);
  });

  void it('streams changes with get -w', async () => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, 'get', 'rd', '-n', 'demo', '-w'], {
      env: { ...process.env, HOME: dir },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await eventually(() => /sample-redis/.test(out), 'initial watch row', 15_000);
      await ok([
        'patch',
        'rd',
        'sample-redis',
        '-n',
        'demo',
        '--subresource',
        'status',
        '--type',
        'merge',
        '-p',
        '{"status":{"phase":"Provisioning"}}',
      ]);
      await eventually(() => /sample-redis\s+7.4.0\s+Provisioning/.test(out), 'watch row with the new status', 15_000);
    } finally {
      child.kill();
    }
  });

  void it('patches with --type merge, json and strategic', async () => {
    await ok(['patch', 'rd', 'sample-redis', '-n', 'demo', '--type', 'merge', '-p', '{"spec":{"replicas":2}}']);
    await ok([
      'patch',
      'rd',
      'sample-redis',
      '-n',
      'demo',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/replicas","value":3}]',
    ]);
    assert.equal(await ok(['get', 'rd', 'sample-redis', '-n', 'demo', '-o', 'jsonpath={.spec.replicas}']), '3');
    // No service-account token volume (ServiceAccount admission), so the pod starts with no volumes at all.
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\n  namespace: demo\nspec:\n  automountServiceAccountToken: false\n  containers:\n  - name: redis\n    image: redis:7\n    env:\n    - name: A\n      value: "1"\n';
    await ok(['apply', '-f', '-'], pod);
    await ok([
      'patch',
      'pod',
      'p1',
      '-n',
      'demo',
      '--type',
      'strategic',
      '-p',
      '{"spec":{"containers":[{"name":"redis","env":[{"name":"B","value":"2"}]}]}}',
    ]);
    const env = JSON.parse(await ok(['get', 'pod', 'p1', '-n', 'demo', '-o', 'jsonpath={.spec.containers[0].env}']));
    assert.deepEqual(env, [
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    // Deleting an element of a list the pod does not have stores nothing (not an element without its directive).
    await ok([
      'patch',
      'pod',
      'p1',
      '-n',
      'demo',
      '--type',
      'strategic',
      '-p',
      '{"spec":{"volumes":[{"name":"x","$patch":"delete"}]}}',
    ]);
    assert.equal(await ok(['get', 'pod', 'p1', '-n', 'demo', '-o', 'jsonpath={.spec.volumes}']), '');
    const bad = await kubectl([
      'patch',
      'rd',
      'sample-redis',
      '-n',
      'demo',
      '--type',
      'merge',
      '-p',
      '{"spec":{"mode":"Foo"}}',
    ]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec.mode: Unsupported value: "Foo"/);
  });

  void it('waits for a condition, describes, applies server-side and deletes', async () => {
    const status = {
      status: {
        phase: 'Ready',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      },
    };
    await ok([
      'patch',
      'rd',
      'sample-redis',
      '-n',
      'demo',
      '--subresource',
      'status',
      '--type',
      'merge',
      '-p',
      JSON.stringify(status),
    ]);
    assert.match(
      await ok(['wait', '--for=condition=Ready', 'rd/sample-redis', '-n', 'demo', '--timeout=10s']),
      /condition met/,
    );
    const described = await ok(['describe', 'rd', 'sample-redis', '-n', 'demo']);
    assert.match(described, /Name:\s+sample-redis/);
    assert.match(described, /Phase:\s+Ready/);
    assert.match(
      await ok(['apply', '--server-side', '-f', join(EXAMPLES, 'reconfigure/rdops-apply-reconfig.yaml')]),
      /serverside-applied/,
    );
    const ops = JSON.parse(
      await ok(['get', 'rdops', 'rdops-inline-reconfig', '-n', 'demo', '-o', 'json', '--show-managed-fields']),
    );
    assert.equal(ops.spec.type, 'Reconfigure');
    assert.equal(ops.spec.apply, 'IfReady'); // CRD default
    assert.ok(ops.metadata.managedFields.some((m: { manager: string }) => m.manager === 'kubectl'));
    assert.match(await ok(['delete', 'rdops', 'rdops-inline-reconfig', '-n', 'demo']), /deleted/);
    assert.match(await ok(['delete', 'pod', 'p1', '-n', 'demo']), /deleted/);
    const gone = await kubectl(['get', 'rdops', 'rdops-inline-reconfig', '-n', 'demo']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NotFound|not found/);
  });

  void it('lists every object across namespaces in chunks, with namespaces that prefix one another', async () => {
    // `team` sorts before `team-a`, but the string "team-a/x" sorts before "team/y": a page boundary must not skip.
    for (const ns of ['team', 'team-a']) {
      await ok(['create', 'namespace', ns]);
      for (const name of ['x', 'y']) await ok(['create', 'configmap', name, '-n', ns]);
      await ok(['label', 'configmap', 'x', 'y', '-n', ns, 'paging=yes']);
    }
    const columns = [
      '-l',
      'paging=yes',
      '-o',
      'custom-columns=NS:.metadata.namespace,NAME:.metadata.name',
      '--no-headers',
    ];
    const rows = (out: string) =>
      out
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/).join('/'));
    const expected = ['team/x', 'team/y', 'team-a/x', 'team-a/y'];
    assert.deepEqual(rows(await ok(['get', 'cm', '-A', '--chunk-size=1', ...columns])), expected);
    assert.deepEqual(rows(await ok(['get', 'cm', '-A', '--chunk-size=3', ...columns])), expected);
    assert.deepEqual(rows(await ok(['get', 'cm', '-A', '--chunk-size=0', ...columns])), expected);
  });

  void it('reports schema violations from kubectl apply', async () => {
    const file = join(dir, 'bad-ops.yaml');
    await writeFile(
      file,
      'apiVersion: ops.kubedb.com/v1alpha1\nkind: RedisOpsRequest\nmetadata:\n  name: bad\n  namespace: demo\nspec:\n  type: Bogus\n  databaseRef:\n    name: sample-redis\n',
    );
    const r = await kubectl(['apply', '-f', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec.type: Unsupported value: "Bogus"/);
  });
});
