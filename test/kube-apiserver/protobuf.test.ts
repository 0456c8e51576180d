/* eslint-disable @typescript-eslint/no-unsafe-argument -- API JSON is checked by the assertions */
/**
 * Protobuf request bodies: the decoder against bytes from a tiny test encoder and against real kubectl 1.32 captures,
 * and the real `kubectl create namespace|secret generic|configmap|serviceaccount|token|role|rolebinding` end to end.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError, type KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { decodeProtobufBody } from '../../infra/local/kube-apiserver/protobuf.ts';
import { raw, requireKubectl, runKubectl, startTestServer } from './helpers.ts';

// --- a tiny protobuf encoder (wire format: https://protobuf.dev/programming-guides/encoding/) ---
function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}
const key = (field: number, wireType: number): Buffer => varint((field << 3) | wireType);
const len = (field: number, payload: Buffer | string): Buffer => {
  const b = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  return Buffer.concat([key(field, 2), varint(b.length), b]);
};
const int = (field: number, n: number): Buffer => Buffer.concat([key(field, 0), varint(n)]);
const msg = (field: number, ...parts: Buffer[]): Buffer => len(field, Buffer.concat(parts));
const entry = (field: number, k: string, v: Buffer | string): Buffer => msg(field, len(1, k), len(2, v));
const envelope = (apiVersion: string, kind: string, ...raw: Buffer[]): Buffer =>
  Buffer.concat([
    Buffer.from('k8s\0', 'binary'),
    msg(1, len(1, apiVersion), len(2, kind)),
    msg(2, ...raw),
    len(3, ''),
    len(4, ''),
  ]);

/** ObjectMeta as gogo-protobuf marshals it: empty strings and zero numbers written, not omitted. */
const objectMeta = (name: string, namespace: string, ...extra: Buffer[]): Buffer =>
  msg(1, len(1, name), len(2, ''), len(3, namespace), len(4, ''), len(5, ''), len(6, ''), int(7, 0), msg(8), ...extra);

// --- real captures of kubectl 1.32 request bodies ---
const CAPTURED = {
  // kubectl create namespace demo
  namespace:
    '6b3873000a0f0a02763112094e616d657370616365121c0a140a0464656d6f12001a0022002a0032003800420012001a020a001a002200',
  // kubectl create secret generic -n default new-custom-config --from-file=redis.conf=<file with "maxmemory 100mb\n">
  secret:
    '6b3873000a0c0a0276311206536563726574124c0a280a116e65772d637573746f6d2d636f6e66696712001a0764656661756c7422002a00320038004200121e0a0a72656469732e636f6e6612106d61786d656d6f7279203130306d620a1a001a002200',
  // kubectl create token default --duration=1h --audience=foo
  tokenRequest:
    '6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e5265717565737412220a100a0012001a0022002a0032003800420012080a03666f6f20901c1a040a0012001a002200',
};

void describe('protobuf decoder', () => {
  void it('decodes real kubectl captures into the JSON objects', () => {
    assert.deepEqual(decodeProtobufBody(Buffer.from(CAPTURED.namespace, 'hex')), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo' },
      spec: {},
      status: {},
    });
    assert.deepEqual(decodeProtobufBody(Buffer.from(CAPTURED.secret, 'hex')), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'new-custom-config', namespace: 'default' },
      data: { 'redis.conf': Buffer.from('maxmemory 100mb\n').toString('base64') },
    });
    assert.deepEqual(decodeProtobufBody(Buffer.from(CAPTURED.tokenRequest, 'hex')), {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: ['foo'], expirationSeconds: 3600 },
    });
  });

  void it('decodes metadata maps, owner references, finalizers, times and pointer fields', () => {
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe]);
    const body = envelope(
      'v1',
      'Secret',
      objectMeta(
        's1',
        'ns1',
        entry(11, 'app', 'redis'),
        entry(11, 'tier', ''),
        entry(12, 'note', 'x=y'),
        msg(13, len(1, 'Redis'), len(3, 'r1'), len(4, 'uid-1'), len(5, 'kubedb.com/v1'), int(6, 1)),
        len(14, 'example.com/f'),
        msg(9, int(1, 1_700_000_000)),
      ),
      entry(2, 'bin', binary),
      len(3, 'kubernetes.io/basic-auth'),
      entry(4, 'plain', 'text'),
      int(5, 0), // immutable=false is a *bool: present on the wire means present in JSON
      len(99, 'unknown field, skipped'),
    );
    assert.deepEqual(decodeProtobufBody(body), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's1',
        namespace: 'ns1',
        labels: { app: 'redis', tier: '' },
        annotations: { note: 'x=y' },
        ownerReferences: [{ kind: 'Redis', name: 'r1', uid: 'uid-1', apiVersion: 'kubedb.com/v1', controller: true }],
        finalizers: ['example.com/f'],
        deletionTimestamp: '2023-11-14T22:13:20Z',
      },
      data: { bin: binary.toString('base64') },
      type: 'kubernetes.io/basic-auth',
      stringData: { plain: 'text' },
      immutable: false,
    });
  });

  void it('decodes ConfigMap, ServiceAccount and RBAC messages, keeping "" in repeated strings', () => {
    const cm = decodeProtobufBody(
      envelope('v1', 'ConfigMap', objectMeta('c', 'n'), entry(2, 'k', 'v'), entry(3, 'b', Buffer.from([9]))),
    );
    assert.deepEqual(cm.data, { k: 'v' });
    assert.deepEqual(cm.binaryData, { b: 'CQ==' });
    const sa = decodeProtobufBody(
      envelope(
        'v1',
        'ServiceAccount',
        objectMeta('sa', 'n'),
        msg(2, len(1, 'Secret'), len(3, 'tok')),
        msg(3, len(1, 'pull')),
        int(4, 0),
      ),
    );
    assert.deepEqual(sa.secrets, [{ kind: 'Secret', name: 'tok' }]);
    assert.deepEqual(sa.imagePullSecrets, [{ name: 'pull' }]);
    assert.equal(sa.automountServiceAccountToken, false);
    const role = decodeProtobufBody(
      envelope(
        'rbac.authorization.k8s.io/v1',
        'Role',
        objectMeta('r', 'n'),
        msg(2, len(1, 'get'), len(1, 'list'), len(2, ''), len(3, 'pods'), len(3, 'pods/eviction')),
      ),
    );
    assert.deepEqual(role.rules, [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/eviction'] }]);
    const eviction = decodeProtobufBody(
      envelope(
        'policy/v1',
        'Eviction',
        objectMeta('p1', 'n'),
        msg(2, int(1, 0), msg(2, len(1, 'uid-9')), len(4, 'Background')),
      ),
    );
    assert.deepEqual(eviction.deleteOptions, {
      gracePeriodSeconds: 0,
      preconditions: { uid: 'uid-9' },
      propagationPolicy: 'Background',
    });
  });

  void it('answers 415 for kinds it cannot decode and 400 for malformed bytes', () => {
    assert.throws(
      () => decodeProtobufBody(envelope('apps/v1', 'Deployment', objectMeta('d', 'n'))),
      (e: unknown) =>
        e instanceof ApiError &&
        e.code === 415 &&
        /apps\/v1\/Deployment/.test(e.message) &&
        /v1\/Secret/.test(e.message),
    );
    assert.throws(
      () => decodeProtobufBody(Buffer.from('{"kind":"Secret"}')),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
    const truncated = Buffer.from(CAPTURED.secret, 'hex').subarray(0, 40);
    assert.throws(
      () => decodeProtobufBody(truncated),
      (e: unknown) => e instanceof ApiError && e.code === 400 && /protobuf/.test(e.message),
    );
  });
});

void describe('kubectl create commands (protobuf bodies)', () => {
  let s: KubeApiServer;
  let dir: string;
  let kubeconfig: string;
  const ok = async (args: string[]): Promise<string> => {
    const r = await runKubectl(kubeconfig, dir, args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    requireKubectl();
    dir = await mkdtemp(join(tmpdir(), 'kubectl-pb-'));
    s = await startTestServer();
    kubeconfig = join(dir, 'kubeconfig');
    await s.writeKubeconfig(kubeconfig);
  });
  after(async () => {
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void it('creates the namespace and the config secret exactly as the KubeDB guide does', async () => {
    assert.match(await ok(['create', 'namespace', 'demo']), /namespace\/demo created/);
    const conf = join(dir, 'redis.conf');
    await writeFile(conf, 'maxmemory 100mb\nmaxmemory-policy allkeys-lru\n');
    assert.match(
      await ok(['create', 'secret', 'generic', '-n', 'demo', 'new-custom-config', `--from-file=redis.conf=${conf}`]),
      /secret\/new-custom-config created/,
    );
    const ns = await raw(s, 'GET', '/api/v1/namespaces/demo');
    assert.equal(ns.json.status.phase, 'Active');
    const secret = await raw(s, 'GET', '/api/v1/namespaces/demo/secrets/new-custom-config');
    assert.equal(secret.status, 200);
    assert.equal(secret.json.type, 'Opaque');
    assert.equal(
      Buffer.from(secret.json.data['redis.conf'], 'base64').toString(),
      'maxmemory 100mb\nmaxmemory-policy allkeys-lru\n',
    );
  });

  void it('creates configmaps with data and binaryData, and dry-run=server stores nothing', async () => {
    await ok(['create', 'configmap', '-n', 'demo', 'cm1', '--from-literal=a=b']);
    const cm = await raw(s, 'GET', '/api/v1/namespaces/demo/configmaps/cm1');
    assert.deepEqual(cm.json.data, { a: 'b' });
    await writeFile(join(dir, 'blob'), Buffer.from([0xff, 0x00, 0x01]));
    await ok(['create', 'configmap', '-n', 'demo', 'cm2', `--from-file=blob=${join(dir, 'blob')}`]);
    const cm2 = await raw(s, 'GET', '/api/v1/namespaces/demo/configmaps/cm2');
    assert.deepEqual(Buffer.from(cm2.json.binaryData.blob, 'base64'), Buffer.from([0xff, 0x00, 0x01]));
    assert.match(
      await ok(['create', 'secret', 'generic', '-n', 'demo', 'x', '--from-literal=a=b', '--dry-run=server']),
      /secret\/x created \(server dry run\)/,
    );
    assert.equal((await raw(s, 'GET', '/api/v1/namespaces/demo/secrets/x')).status, 404);
  });

  void it('creates a serviceaccount, a token for it (TokenRequest) and RBAC objects', async () => {
    assert.match(await ok(['create', 'serviceaccount', '-n', 'demo', 'robot']), /serviceaccount\/robot created/);
    const token = (await ok(['create', 'token', '-n', 'demo', 'robot'])).trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal((await raw(s, 'GET', '/api/v1/namespaces/demo/configmaps', undefined, { token })).status, 200);
    const foreign = (await ok(['create', 'token', '-n', 'demo', 'robot', '--audience=vault', '--duration=20m'])).trim();
    assert.equal(
      (await raw(s, 'GET', '/api', undefined, { token: foreign })).status,
      401,
      'a token for another audience does not authenticate to the API',
    );
    await ok([
      'create',
      'role',
      '-n',
      'demo',
      'evictor',
      '--verb=get,list',
      '--verb=create',
      '--resource=pods,pods/eviction',
      '--resource-name=p1',
    ]);
    const role = await raw(s, 'GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/demo/roles/evictor');
    assert.deepEqual(role.json.rules, [
      {
        verbs: ['get', 'list', 'create'],
        apiGroups: [''],
        resources: ['pods', 'pods/eviction'],
        resourceNames: ['p1'],
      },
    ]);
    await ok([
      'create',
      'rolebinding',
      '-n',
      'demo',
      'evictor',
      '--role=evictor',
      '--serviceaccount=demo:robot',
      '--group=ops',
    ]);
    const rb = await raw(s, 'GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings/evictor');
    assert.deepEqual(rb.json.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'evictor' });
    assert.deepEqual(rb.json.subjects, [
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ops' },
      { kind: 'ServiceAccount', name: 'robot', namespace: 'demo' },
    ]);
    await ok(['create', 'clusterrole', 'watcher', '--verb=watch', '--resource=redisopsrequests.ops.kubedb.com']);
    await ok(['create', 'clusterrolebinding', 'watcher', '--clusterrole=watcher', '--user=alice']);
    const crb = await raw(s, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/watcher');
    assert.deepEqual(crb.json.subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }]);
  });
});
