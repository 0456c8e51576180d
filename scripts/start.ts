/**
 * `npm start`: the main job on the embedded default. Brings up the whole local stack, creates KubeDB's documented
 * sample (a Redis whose config secret says maxclients 500), then applies the documented ops requests in turn —
 * configSecret (2000), applyConfig (3000), removeCustomConfig (back to the default 10000) — showing live progress
 * and the value `CONFIG GET maxclients` reads from the pod after each. Exits 0 when all of them are Successful.
 */
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { startLocalStack } from '../infra/local/stack.ts';
import { applyFile } from '../infra/local/manifests.ts';
import { followOpsRequest, formatProgress } from '../infra/local/ops-progress.ts';
import { configGetOnPod } from '../infra/local/redis-query.ts';
import { waitFor } from '../infra/local/wait.ts';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';

const examples = join(PROJECT_ROOT, 'examples/reconfigure');
const flows = [
  { title: 'Replace the config secret (configSecret: new-custom-config → maxclients 2000)', files: ['10-new-custom-config.yaml', '11-rdops-reconfigure.yaml'], name: 'rdops-reconfigure', expect: '2000' },
  { title: 'Merge applyConfig (maxclients 3000)', files: ['12-rdops-apply-reconfig.yaml'], name: 'rdops-apply-reconfig', expect: '3000' },
  { title: 'Remove the custom config (removeCustomConfig → default 10000)', files: ['13-rdops-remove-config.yaml'], name: 'rdops-remove-config', expect: '10000' },
];

async function main(): Promise<number> {
  const stateDir = join(PROJECT_ROOT, '.local/start');
  console.log('Starting the local stack (Kubernetes API, controllers, kubelet with real redis-server, SQS, Lambda runner, forwarder)...');
  const t0 = Date.now();
  const stack = await startLocalStack({ stateDir, fresh: true });
  console.log(`  up in ${Date.now() - t0} ms — kubeconfig: ${stack.kubeconfigPath}; logs: ${join(stateDir, 'logs')}\n`);
  let failures = 0;
  try {
    const kc = stack.kubeConfig;
    for (const f of ['00-namespace.yaml', '01-rd-custom-config.yaml', '02-sample-redis.yaml']) await applyFile(kc, join(examples, f));
    console.log('Created namespace demo, secret rd-custom-config (maxclients 500) and Redis demo/sample-redis; waiting for Ready...');
    const custom = kc.makeApiClient(CustomObjectsApi);
    await waitFor('Redis demo/sample-redis to be Ready', async () => {
      const rd = (await custom.getNamespacedCustomObject({ group: 'kubedb.com', version: 'v1', plural: 'redises', namespace: 'demo', name: 'sample-redis' })) as { status?: { phase?: string } };
      return rd.status?.phase === 'Ready' ? true : undefined;
    }, { timeoutMs: 120_000 });
    console.log(`  Ready. CONFIG GET maxclients on demo/sample-redis-0 → ${await configGetOnPod(kc, 'demo', 'sample-redis-0', 'sample-redis', 'maxclients')}\n`);

    for (const flow of flows) {
      console.log(`== ${flow.title}`);
      const started = Date.now();
      for (const f of flow.files) await applyFile(kc, join(examples, f));
      const ops = await followOpsRequest(kc, 'demo', flow.name, (line) => console.log(formatProgress(line)), { timeoutMs: 300_000 });
      const value = await configGetOnPod(kc, 'demo', 'sample-redis-0', 'sample-redis', 'maxclients');
      const ok = ops.status?.phase === 'Successful' && value === flow.expect;
      if (!ok) failures++;
      console.log(`  → ${flow.name}: ${ops.status?.phase} in ${((Date.now() - started) / 1000).toFixed(1)} s; CONFIG GET maxclients → ${value} (expected ${flow.expect}) ${ok ? '✔' : '✘'}\n`);
    }
  } finally {
    await stack.stop();
  }
  console.log(failures === 0 ? 'All documented flows ended Successful with the expected value on the pod.' : `${failures} flow(s) did not give the documented outcome.`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
