/** The whole-operation deadline: where its clock starts, its default, when it ends a run, and what it names. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { opsRequest, trueCondition } from '../../test/support/objects.ts';
import { dueStep } from './progress.ts';
import { deadlineFailureMessage, deadlineOf, deadlineProblem, DEFAULT_DEADLINE_MS, judgeDeadline } from './deadline.ts';
import { decideRecovery } from './recover/decide-recovery.ts';

const T0 = '2026-01-01T00:00:00Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms);
const plan = (pods: string[]) =>
  JSON.stringify({ version: 1, restart: true, restartReason: 'r', pods, expected: [], previous: [], configHash: 'h' });

/** Paused at T0, config written, rd-1 restarted and verified, rd-0 evicted and not Ready yet. */
const rolling = (annotations: Record<string, string> = {}, spec = {}) =>
  opsRequest({
    phase: 'Progressing',
    spec,
    annotations: { 'redis-reconfigure.io/plan': plan(['rd-1', 'rd-0']), ...annotations },
    conditions: [
      trueCondition('Reconfigure', T0),
      trueCondition('DatabasePauseSucceeded', T0),
      trueCondition('UpdatePetSets', '2026-01-01T00:00:05Z'),
      trueCondition('EvictPod--rd-1', '2026-01-01T00:00:06Z'),
      trueCondition('IsPodReady--rd-1', '2026-01-01T00:00:09Z'),
      trueCondition('EvictPod--rd-0', '2026-01-01T00:00:10Z'),
    ],
  });

void describe('deadlineOf', () => {
  void it('reads the annotation as a Go duration, and names it', () => {
    const d = deadlineOf(rolling({ 'redis-reconfigure.io/deadline': '1m30s' }));
    assert.equal(d.ms, 90_000);
    assert.match(d.text, /^1m30s \(annotation redis-reconfigure.io\/deadline\)$/);
  });

  void it('defaults to an hour, or three step timeouts when spec.timeout is longer than 20 minutes', () => {
    assert.equal(deadlineOf(rolling()).ms, DEFAULT_DEADLINE_MS);
    assert.equal(deadlineOf(rolling({}, { timeout: '20m' })).ms, DEFAULT_DEADLINE_MS);
    assert.equal(deadlineOf(rolling({}, { timeout: '30m' })).ms, 90 * 60_000);
    assert.match(deadlineOf(rolling()).text, /^60m \(the default/);
  });

  void it('refuses a value that is not a positive Go duration, naming the annotation', () => {
    for (const bad of ['30 minutes', '-5m', '0', ''])
      assert.match(
        deadlineProblem(rolling({ 'redis-reconfigure.io/deadline': bad })) ?? '',
        /^annotation redis-reconfigure.io\/deadline: /,
        bad,
      );
    assert.equal(deadlineProblem(rolling()), undefined);
  });
});

void describe('judgeDeadline', () => {
  const short = rolling({ 'redis-reconfigure.io/deadline': '30s' });

  void it('counts from the pause: not passed at 30 s, passed after', () => {
    assert.equal(judgeDeadline(short, dueStep(short), at(30_000)).passed, false);
    const verdict = judgeDeadline(short, dueStep(short), at(31_000));
    assert.ok(verdict.passed);
    assert.deepEqual(verdict.restartedOnNew, ['rd-1']);
    assert.equal(
      verdict.message,
      'the whole-operation deadline of 30s (annotation redis-reconfigure.io/deadline) passed at 2026-01-01T00:00:30.000Z while restart-pod (check rd-0) was due',
    );
  });

  void it('does not apply before the pause, nor once only the successful resume is left', () => {
    const pending = opsRequest({ annotations: { 'redis-reconfigure.io/deadline': '1s' } });
    assert.equal(judgeDeadline(pending, dueStep(pending), at(3_600_000)).passed, false);
    const done = opsRequest({
      phase: 'Progressing',
      annotations: { 'redis-reconfigure.io/deadline': '1s', 'redis-reconfigure.io/plan': plan(['rd-0']) },
      conditions: [
        trueCondition('DatabasePauseSucceeded', T0),
        trueCondition('UpdatePetSets', T0),
        trueCondition('RestartPods', T0),
      ],
    });
    assert.equal(dueStep(done).step, 'resume');
    assert.equal(judgeDeadline(done, dueStep(done), at(3_600_000)).passed, false);
  });
});

void describe('recovery past the deadline', () => {
  const settings = { stallSeconds: 60, safetyNetSeconds: 5 };

  void it('ends the run even while its step keeps progressing, and even a restart check that judges its own timeout', () => {
    const short = rolling({ 'redis-reconfigure.io/deadline': '30s' });
    const decision = decideRecovery(short, at(31_000), settings);
    assert.equal(decision.kind, 'deadline');
    assert.equal(decideRecovery(short, at(29_000), settings).kind, 'none');
  });

  void it('a deadline edited into garbage mid-run ends the run InvalidSpec instead of leaving it unbounded', () => {
    const decision = decideRecovery(rolling({ 'redis-reconfigure.io/deadline': 'soon' }), at(1000), settings);
    assert.equal(decision.kind, 'fail');
    assert.equal(decision.kind === 'fail' && decision.reason, 'InvalidSpec');
  });

  void it('the Failed message says whether the previous configuration was restored, and which pods keep the new one', () => {
    const verdict = { message: 'the whole-operation deadline of 30s … passed', restartedOnNew: ['rd-1'] };
    assert.equal(
      deadlineFailureMessage(verdict, true, rolling()),
      'the whole-operation deadline of 30s … passed; the previous configuration was restored (rd-1 already ran the new configuration and keep it until their next restart)',
    );
    assert.match(
      deadlineFailureMessage({ ...verdict, restartedOnNew: [] }, false, rolling()),
      /the configuration is unchanged$/,
    );
  });

  void it("a request that changed ACL users before the roll: the message says that change is kept, as restart-pod's rollback does", () => {
    const verdict = { message: 'the whole-operation deadline of 30s … passed', restartedOnNew: ['rd-1'] };
    const withAcl = rolling();
    withAcl.status!.conditions!.push(trueCondition('UpdateAclSecret', '2026-01-01T00:00:04Z'));
    assert.equal(
      deadlineFailureMessage(verdict, true, withAcl),
      "the whole-operation deadline of 30s … passed; the previous configuration was restored (rd-1 already ran the new configuration and keep it until their next restart); the request's ACL change is kept (applied and checked live on every pod before the restarts, and persisted: UpdateAclSecret)",
    );
  });
});
