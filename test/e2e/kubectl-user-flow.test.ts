/**
 * The README's "Try it with kubectl", as a new user runs it: the real kubectl against the whole local system,
 * applying the project's examples/ unchanged.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../infra/local/serverless-config.ts';
import { startTestStack } from './harness.ts';

const examples = join(PROJECT_ROOT, 'examples/reconfigure');

describe('kubectl user flow on the local system', { timeout: 300_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const kubectl = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(
        'kubectl',
        ['--kubeconfig', stack.kubeconfigPath, ...args],
        { env: { ...process.env, HOME: join(stack.kubeconfigPath, '..') }, timeout: 120_000 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || err.message}`)) : resolve(stdout),
      );
    });

  before(async () => {
    const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0)
      throw new Error('kubectl is required for this test but was not found on PATH (install kubectl v1.32+)');
    stack = await startTestStack();
  });
  after(async () => stack?.cleanup());

  it("kubectl apply of the sample and an ops request ends Successful; get and describe show KubeDB's phases and conditions", async () => {
    await kubectl(
      'apply',
      '-f',
      join(examples, '00-namespace.yaml'),
      '-f',
      join(examples, '01-rd-custom-config.yaml'),
      '-f',
      join(examples, '02-sample-redis.yaml'),
    );
    await kubectl('wait', '--for=jsonpath={.status.phase}=Ready', 'rd/sample-redis', '-n', 'demo', '--timeout=90s');
    const overview = await kubectl('get', 'rd,petset,pods', '-n', 'demo');
    assert.match(overview, /redis\.kubedb\.com\/sample-redis\s+8\.2\.2\s+Ready/);
    assert.match(overview, /petset\.apps\.k8s\.appscode\.com\/sample-redis/);
    assert.match(overview, /pod\/sample-redis-0\s+1\/1\s+Running/);

    await kubectl(
      'apply',
      '-f',
      join(examples, '10-new-custom-config.yaml'),
      '-f',
      join(examples, '11-rdops-reconfigure.yaml'),
    );
    await kubectl(
      'wait',
      '--for=jsonpath={.status.phase}=Successful',
      'rdops/rdops-reconfigure',
      '-n',
      'demo',
      '--timeout=120s',
    );
    assert.match(await kubectl('get', 'rdops', '-n', 'demo'), /rdops-reconfigure\s+Reconfigure\s+Successful/);
    const described = await kubectl('describe', 'rdops', 'rdops-reconfigure', '-n', 'demo');
    for (const text of [
      'Phase:',
      'Successful',
      'DatabasePauseSucceeded',
      'patchedSecret',
      'UpdatePetSets',
      // maxclients can be CONFIG SET: restart "auto" applies it live, no pod restarts (ADR 0011).
      'ConfigAppliedLive',
      'RestartSkipped',
      'PauseDatabase',
      'ResumeDatabase',
    ]) {
      assert.ok(described.includes(text), `describe output lacks "${text}":\n${described}`);
    }
  });
});
