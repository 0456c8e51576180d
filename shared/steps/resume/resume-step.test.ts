/**
 * resume through the typed in-memory ports (no I/O), and its pure decision: every run ends here. Success only when the status agrees every
 * step is done; failure always; the database resumed only by the ops request that paused it; a finished run left
 * as it is. Prepare / act / assess.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition, RedisOpsRequest } from '../../kubedb/types.ts';
import { PLAN_ANNOTATION } from '../annotations.ts';
import { messageFor, type Startable } from '../dispatch.ts';
import { testWorld } from '../../../test/support/fake-ports.ts';
import { stepData } from '../../../test/support/messages.ts';
import { opsRequest, redis as redisObject, restartPlan, trueCondition } from '../../../test/support/objects.ts';
import { pausedConditions, POD, seedSampleDatabase } from '../../../test/support/sample-database.ts';
import { pausedBy } from '../halt/decide-halt.ts';
import { decideResume } from './decide-resume.ts';
import { runResume } from './resume-step.ts';
import { stepDataSchema } from '../../messages/step-message.ts';

const plan = restartPlan([POD]);

function world(conditions: Condition[], opts: { phase?: string; paused?: boolean } = {}) {
  const w = testWorld();
  const ops = opsRequest({
    phase: opts.phase ?? 'Progressing',
    conditions,
    annotations: { [PLAN_ANNOTATION]: JSON.stringify(plan) },
  });
  const db = seedSampleDatabase(w.kube, ops, opts.paused === false ? { paused: false } : {});
  const message = (outcome: Startable) =>
    stepDataSchema.parse(messageFor(outcome, stepData('restart-pod', db.ops, { pod: POD })).data);
  const current = (): RedisOpsRequest => w.kube.opsRequest(db.namespace, db.ops.metadata.name);
  const paused = () =>
    w.kube.redis(db.namespace, 'sample-redis').status?.conditions?.some((c) => c.type === 'Paused') ?? false;
  return { ...w, db, message, current, paused };
}

const done = [...pausedConditions(), trueCondition('UpdatePetSets'), trueCondition(`IsPodReady--${POD}`)];

void describe('resume: Successful', () => {
  void it('un-pauses the database and ends the ops request Successful with KubeDB’s condition and events', async () => {
    const w = world([...done, trueCondition('RestartPods')]);
    await runResume(w.message({ step: 'resume', outcome: 'Successful' }), w.deps);
    assert.equal(w.paused(), false);
    const ops = w.current();
    assert.equal(ops.status?.phase, 'Successful');
    assert.equal(ops.status?.observedGeneration, 1);
    assert.equal(ops.status?.conditions?.find((c) => c.type === 'Successful')?.status, 'True');
    assert.deepEqual(
      w.kube.events.map((e) => `${e.reason}: ${e.message}`),
      [
        'ResumeDatabase: Resuming Redis demo/sample-redis',
        'ResumeDatabase: Successfully resumed Redis demo/sample-redis',
        'Successful: Successfully Reconfigured Database',
      ],
    );
    assert.deepEqual(w.queue.sent, [], 'resume hands over to nothing');
  });

  void it('does not end a run Successful while the status says a step is still due', async () => {
    const w = world(pausedConditions().concat(trueCondition('UpdatePetSets')));
    await runResume(w.message({ step: 'resume', outcome: 'Successful' }), w.deps);
    assert.equal(w.current().status?.phase, 'Progressing');
    assert.equal(w.paused(), true, 'the database stays paused while its run goes on');
    assert.equal(
      w.current().status?.conditions?.find((c) => c.type === 'Successful'),
      undefined,
    );
  });
});

void describe('resume: Failed', () => {
  void it('un-pauses the database and ends the ops request Failed (status False) with the precise reason', async () => {
    const w = world(pausedConditions());
    const failure: Startable = {
      step: 'resume',
      outcome: 'Failed',
      reason: 'InvalidConfiguration',
      message: 'line 1: bad',
    };
    await runResume(w.message(failure), w.deps);
    assert.equal(w.paused(), false);
    const ops = w.current();
    assert.equal(ops.status?.phase, 'Failed');
    const failed = ops.status?.conditions?.find((c) => c.type === 'Failed');
    assert.deepEqual(
      [failed?.status, failed?.reason, failed?.message],
      ['False', 'InvalidConfiguration', 'line 1: bad'],
    );
    assert.equal(w.kube.events.at(-1)?.message, 'InvalidConfiguration: line 1: bad');
  });

  void it('leaves a database paused by another ops request alone, and still ends its own run', async () => {
    const w = world(pausedConditions(), { paused: false });
    const redis = w.kube.redis(w.db.namespace, 'sample-redis');
    const other = { ...trueCondition('Paused'), message: 'Paused by RedisOpsRequest demo/other (uid x)' };
    await w.kube.writeRedisConditions(redis, [other]);
    await runResume(w.message({ step: 'resume', outcome: 'Failed', reason: 'Timeout', message: 'm' }), w.deps);
    const conditions = w.kube.redis(w.db.namespace, 'sample-redis').status?.conditions;
    assert.deepEqual(
      conditions?.map((c) => c.message),
      [other.message],
      "the other ops request's pause is kept",
    );
    assert.equal(w.current().status?.phase, 'Failed');
  });

  void it('is a no-op on a replay once the run is finished', async () => {
    const w = world([...done, trueCondition('RestartPods')], { phase: 'Successful', paused: false });
    await runResume(w.message({ step: 'resume', outcome: 'Failed', reason: 'Timeout', message: 'late' }), w.deps);
    assert.equal(w.current().status?.phase, 'Successful');
    assert.deepEqual(w.kube.writes, []);
    assert.deepEqual(w.kube.events, []);
  });
});

void describe('decideResume', () => {
  const db = redisObject();
  const running = opsRequest({ phase: 'Progressing', conditions: pausedConditions() });
  const ours = { ...db, status: { conditions: [{ ...trueCondition('Paused'), message: pausedBy(running) }] } };
  const failed = { status: 'Failed' as const, reason: 'Timeout', message: 'm' };

  void it('waits on a success message while a step is due; a failure always finishes', () => {
    assert.equal(decideResume(running, ours, undefined).kind, 'wait');
    assert.deepEqual(decideResume(running, ours, failed), {
      kind: 'resume',
      unpause: true,
      finish: { phase: 'Failed', reason: 'Timeout', message: 'm' },
    });
  });

  void it("un-pauses only its own pause, and leaves a finished run's status alone", () => {
    assert.deepEqual(decideResume(running, db, failed), {
      kind: 'resume',
      unpause: false,
      finish: { phase: 'Failed', reason: 'Timeout', message: 'm' },
    });
    const done = opsRequest({ phase: 'Successful', conditions: pausedConditions() });
    assert.deepEqual(decideResume(done, db, undefined), { kind: 'resume', unpause: false });
  });
});
