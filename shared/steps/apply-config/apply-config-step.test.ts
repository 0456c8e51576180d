/**
 * apply-config on KubeDB's sample Standalone Redis, through the typed in-memory ports (no I/O): the rolling path
 * (restart "true", or a restart-only directive), the live path (restart auto, only mutable directives: CONFIG SET on
 * the pod before anything is persisted), and the engine refusing the value (the run ends Failed through resume and
 * the database is resumed, nothing persisted). Prepare / act / assess.
 */
import { MetricsBuffer } from '../../observability/metrics.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisCommandRefusedError } from '../../errors.ts';
import { processStepRecord } from '../../handler/step-handler.ts';
import type { RedisOpsRequest } from '../../kubedb/types.ts';
import { newStepMessage, stepDataSchema } from '../../messages/step-message.ts';
import { CONFIG_HASH_ANNOTATION, readPlan } from '../annotations.ts';
import type { RedisTarget } from '../ports.ts';
import { rollbackSecretName } from '../rollback-snapshot.ts';
import { runResume } from '../resume/resume-step.ts';
import { scriptedRedis, testWorld } from '../../../test/support/fake-ports.ts';
import { InMemoryKube } from '../../../test/support/in-memory-kube.ts';
import { stepData } from '../../../test/support/messages.ts';
import { sqsRecord } from '../../../test/support/sqs.ts';
import { opsRequest } from '../../../test/support/objects.ts';
import {
  pausedConditions,
  POD,
  POD_IP,
  seedSampleDatabase,
  USER_CONFIG_SECRET,
} from '../../../test/support/sample-database.ts';
import { runApplyConfig } from './apply-config-step.ts';

const NEW_SECRET = 'new-custom-config';

/** An ops request halt has paused the database for, asking for `conf` from a new config secret. */
function world(configuration: NonNullable<RedisOpsRequest['spec']['configuration']>, conf: string) {
  const kube = new InMemoryKube();
  const ops = opsRequest({ phase: 'Progressing', conditions: pausedConditions(), spec: { configuration } });
  const db = seedSampleDatabase(kube, ops);
  kube.addSecret(db.namespace, NEW_SECRET, { 'redis.conf': conf });
  const managedConf = () => kube.secrets.get(`${db.namespace}/${db.managedSecret}`)?.data['default.conf'] ?? '';
  const current = () => kube.opsRequest(db.namespace, db.ops.metadata.name);
  const conditions = () => current().status?.conditions?.map((c) => c.type) ?? [];
  return { kube, db, managedConf, current, conditions, data: stepData('apply-config', db.ops) };
}

/** A pod's Redis that keeps what CONFIG SET gave it, or refuses with the engine's words. */
function podRedis(values: Record<string, string>, refuse?: string) {
  const calls: string[] = [];
  const redis = scriptedRedis({
    configSet: async (t: RedisTarget, args: string[]) => {
      calls.push(`CONFIG SET ${t.host} ${args.join(' ')}`);
      if (refuse !== undefined && args.includes(refuse))
        throw new RedisCommandRefusedError(`CONFIG SET refused by ${t.host}:${t.port}: ERR invalid ${refuse}`);
      for (let i = 0; i + 1 < args.length; i += 2) values[args[i]!] = args[i + 1]!;
    },
    configGet: async (_t: RedisTarget, params: string[]) => Object.fromEntries(params.map((p) => [p, values[p] ?? ''])),
  });
  return { redis, calls };
}

void describe('apply-config: the rolling path', () => {
  void it('restart "true": snapshot, secret, spec.configuration, PetSet stamp, plan, then the first eviction', async () => {
    const w = world({ configSecret: { name: NEW_SECRET }, restart: 'true' }, 'maxclients 2000\n');
    const { deps, queue } = testWorld({ kube: w.kube }); // no Redis scripted: the rolling path talks to no pod
    await runApplyConfig(w.data, deps);

    const ns = w.db.namespace;
    const rollback = w.kube.secrets.get(`${ns}/${rollbackSecretName(w.db.ops)}`);
    assert.deepEqual(JSON.parse(rollback?.data['configuration.json'] ?? ''), {
      secretName: USER_CONFIG_SECRET,
      secretConf: 'maxclients 500\n',
    });
    assert.match(rollback?.data['default.conf'] ?? '', /^maxclients 500$/m);
    assert.match(w.managedConf(), /^maxclients 2000$/m);
    assert.deepEqual(w.kube.redis(ns, 'sample-redis').spec.configuration, { secretName: NEW_SECRET });
    assert.ok(w.kube.petSets.get(`${ns}/sample-redis`)?.templateAnnotations[CONFIG_HASH_ANNOTATION]);
    const plan = readPlan(w.current().metadata.annotations);
    assert.equal(plan?.restart, true);
    assert.deepEqual(plan?.pods, [POD]);
    assert.deepEqual(plan?.expected, [{ parameter: 'maxclients', expected: '2000' }]);
    assert.deepEqual(w.conditions(), ['Reconfigure', 'DatabasePauseSucceeded', 'patchedSecret', 'UpdatePetSets']);
    assert.deepEqual(
      queue.sent.map((s) => [s.step, s.data.pod, s.data.phase]),
      [['restart-pod', POD, 'evict']],
    );
    const writes = w.kube.writes.filter((x) => x.startsWith('putSecret'));
    assert.deepEqual(writes, [
      `putSecret ${ns}/${rollbackSecretName(w.db.ops)}`,
      `putSecret ${ns}/${w.db.managedSecret}`,
    ]);
  });

  void it('restart auto with a restart-only directive (databases: IMMUTABLE_CONFIG) rolls too', async () => {
    const w = world({ configSecret: { name: NEW_SECRET } }, 'maxclients 500\ndatabases 32\n');
    const { deps, queue } = testWorld({ kube: w.kube });
    await runApplyConfig(w.data, deps);
    assert.equal(readPlan(w.current().metadata.annotations)?.restart, true);
    assert.ok(!w.conditions().includes('ConfigAppliedLive'));
    assert.deepEqual(
      queue.sent.map((s) => s.step),
      ['restart-pod'],
    );
  });
});

void describe('apply-config: the live path', () => {
  void it('restart auto, only mutable directives: CONFIG SET and verify on the pod first, then persist, no restart', async () => {
    const w = world({ configSecret: { name: NEW_SECRET } }, 'maxclients 2000\n');
    const values: Record<string, string> = { maxclients: '500' };
    const persistedWhenSet: string[] = [];
    const pod = podRedis(values);
    const redis = {
      ...pod.redis,
      configSet: async (t: RedisTarget, args: string[]) => {
        persistedWhenSet.push(w.managedConf());
        return pod.redis.configSet(t, args);
      },
    };
    const { deps, queue } = testWorld({ kube: w.kube, redis });
    await runApplyConfig(w.data, deps);

    assert.deepEqual(pod.calls, [`CONFIG SET ${POD_IP} maxclients 2000`]);
    assert.match(persistedWhenSet[0] ?? '', /^maxclients 500$/m, 'nothing persisted before the canary took it');
    assert.match(w.managedConf(), /^maxclients 2000$/m);
    assert.deepEqual(w.kube.redis(w.db.namespace, 'sample-redis').spec.configuration, { secretName: NEW_SECRET });
    const plan = readPlan(w.current().metadata.annotations);
    assert.equal(plan?.restart, false);
    assert.equal(plan?.path, 'live');
    assert.ok(w.conditions().includes('ConfigAppliedLive'));
    assert.ok(w.conditions().includes('RestartSkipped'));
    assert.deepEqual(
      queue.sent.map((s) => [s.step, s.data.outcome?.status]),
      [['resume', 'Successful']],
    );
    assert.deepEqual(
      w.kube.events.map((e) => e.reason),
      ['ConfigAppliedLive'],
    );
  });
});

void describe('apply-config: the engine refuses the value', () => {
  void it('fails at the canary with nothing persisted; the run ends Failed through resume and the database is resumed', async () => {
    const w = world({ configSecret: { name: NEW_SECRET } }, 'maxclients 2000\n');
    const before = w.managedConf();
    const pod = podRedis({ maxclients: '500' }, '2000');
    const { deps, queue } = testWorld({ kube: w.kube, redis: pod.redis });
    const process = processStepRecord({
      step: 'apply-config',
      run: runApplyConfig,
      depsFor: async () => deps,
      metrics: new MetricsBuffer(),
      log: deps.log,
    });
    await process(sqsRecord(JSON.stringify(newStepMessage(w.data, 'urn:test'))));

    assert.deepEqual(pod.calls, [`CONFIG SET ${POD_IP} maxclients 2000`, `CONFIG SET ${POD_IP} maxclients 500`]);
    assert.equal(w.managedConf(), before, 'the operator secret is untouched');
    assert.deepEqual(w.kube.redis(w.db.namespace, 'sample-redis').spec.configuration, {
      secretName: USER_CONFIG_SECRET,
    });
    assert.equal(queue.sent.length, 1);
    const resume = stepDataSchema.parse(queue.sent[0]?.data);
    assert.equal(resume.step, 'resume');
    assert.equal(resume.outcome?.reason, 'ConfigRefusedByEngine');
    assert.match(resume.outcome?.message ?? '', /pod sample-redis-0 \(the canary\) refused it: ERR invalid 2000/);

    await runResume(resume, deps);
    const ops = w.current();
    assert.equal(ops.status?.phase, 'Failed');
    const failed = ops.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.status, 'False');
    assert.equal(failed?.reason, 'ConfigRefusedByEngine');
    const paused = w.kube.redis(w.db.namespace, 'sample-redis').status?.conditions?.find((c) => c.type === 'Paused');
    assert.equal(paused, undefined, 'the database is resumed');
  });
});
