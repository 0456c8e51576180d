/**
 * The local system runs with RBAC on: the forwarder under its shipped ServiceAccount, the functions as the shipped
 * group — and the run completes, so infra/k8s is sufficient; requests outside it get 403, so it is minimal.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createDatabase, reconfigure, runOpsRequest, startTestStack, waitDatabaseReady } from './harness.ts';

async function kubeConfigAt(path: string): Promise<KubeConfig> {
  const kc = new KubeConfig();
  kc.loadFromString(await readFile(path, 'utf8'));
  return kc;
}

const status = async (call: () => Promise<unknown>): Promise<number> => {
  try {
    await call();
    return 200;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
};

describe('shipped RBAC on the local system', { timeout: 300_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    stack = await startTestStack({ rbac: true });
  });
  after(async () => stack?.cleanup());

  it('an ops request completes with the forwarder and functions on their shipped RBAC, which denies the rest', async () => {
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'rbac', 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'rbac', 'rd');
    const ops = await runOpsRequest(
      kc,
      reconfigure('rbac', 'least-privilege', 'rd', { applyConfig: { 'redis.conf': 'maxclients 600' } }),
    );
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));

    const stateDir = join(stack.kubeconfigPath, '..');
    const forwarder = (await kubeConfigAt(join(stateDir, 'forwarder.kubeconfig'))).makeApiClient(CoreV1Api);
    assert.equal(
      await status(() => forwarder.listNamespacedSecret({ namespace: 'rbac' })),
      403,
      'forwarder may not read secrets',
    );
    // The forwarder lists and watches pods for its wake-ups (ADR 0013), but reads no single pod and changes none.
    assert.equal(
      await status(() => forwarder.readNamespacedPod({ namespace: 'rbac', name: 'rd-0' })),
      403,
      'forwarder may not get a pod',
    );
    assert.equal(
      await status(() => forwarder.deleteNamespacedPod({ namespace: 'rbac', name: 'rd-0' })),
      403,
      'forwarder may not delete a pod',
    );
    const functions = (await kubeConfigAt(join(stateDir, 'clusters', 'local.kubeconfig'))).makeApiClient(CoreV1Api);
    assert.equal(
      await status(() => functions.listNamespacedConfigMap({ namespace: 'rbac' })),
      403,
      'functions may not read configmaps',
    );
    assert.equal(
      await status(() => functions.deleteNamespacedPod({ namespace: 'rbac', name: 'rd-0' })),
      403,
      'functions may not delete pods (they evict)',
    );
  });
});
