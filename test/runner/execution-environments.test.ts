/**
 * Execution environments: timeouts end the environment and fail the batch, concurrency is capped per function,
 * warm environments are reused, and stop() lets in-flight batches finish. Fixture `slow`: timeout 2 s,
 * reservedConcurrency 2, batchSize 1, queue visibility 3 s.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { InvocationEndEvent, InvocationStartEvent } from '../../infra/local/lambda-runner/index.ts';
import { startFixture, waitFor, type Fixture } from './harness.ts';

void describe('lambda runner: execution environments', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await startFixture();
  });
  afterEach(async () => {
    await fixture.stop();
  });

  void it('a handler running past its timeout fails the batch; the retry runs in a fresh environment', async () => {
    const id = await fixture.send('SlowQueue', JSON.stringify({ hangOnce: true }));
    const starts: InvocationStartEvent[] = [];
    const ends: InvocationEndEvent[] = [];
    fixture
      .startRunner({ functions: ['slow'] })
      .on('invocation-start', (e) => starts.push(e))
      .on('invocation-end', (e) => ends.push(e));

    await waitFor('the retry to succeed', () => ends.some((e) => e.outcome === 'success'));
    assert.equal(ends[0]?.outcome, 'timeout');
    assert.deepEqual(ends[0]?.failedMessageIds, [id]);
    assert.equal(ends[1]?.outcome, 'success');
    assert.notEqual(starts[1]?.environmentId, starts[0]?.environmentId, 'a new environment after the timeout');
    assert.equal(starts[1]?.coldStart, true);
    const [first, second] = fixture.records().filter((l) => l.phase === 'start');
    assert.notEqual(second!.initId, first!.initId, 'module scope initialised again');
    assert.deepEqual([first!.records[0]!.receiveCount, second!.records[0]!.receiveCount], [1, 2]);
    assert.ok(
      first!.remainingMs! <= 2000 && first!.remainingMs! > 0,
      `getRemainingTimeInMillis() counts down from the 2 s timeout: ${first!.remainingMs}`,
    );
    assert.deepEqual(await fixture.approximateCounts('SlowQueue'), { visible: 0, inFlight: 0 });
  });

  void it('never runs more invocations of a function at once than its concurrency, and reuses warm environments', async () => {
    for (let i = 0; i < 6; i++) await fixture.send('SlowQueue', JSON.stringify({ sleepMs: 250 }));
    const starts: InvocationStartEvent[] = [];
    const ends: InvocationEndEvent[] = [];
    fixture
      .startRunner({ functions: ['slow'] })
      .on('invocation-start', (e) => starts.push(e))
      .on('invocation-end', (e) => ends.push(e));

    await waitFor('6 invocations', () => ends.filter((e) => e.outcome === 'success').length === 6);
    let running = 0;
    let peak = 0;
    for (const line of fixture.records()) {
      running += line.phase === 'start' ? 1 : -1;
      peak = Math.max(peak, running);
    }
    assert.equal(peak, 2, 'reservedConcurrency: 2 — reached, never exceeded');
    assert.equal(new Set(starts.map((s) => s.environmentId)).size, 2, 'two environments, reused');
    assert.equal(starts.filter((s) => s.coldStart).length, 2, 'only the first invocation of each environment is cold');
    assert.equal(new Set(fixture.records().map((l) => l.initId)).size, 2);
  });

  void it('reports the CPU the handler used, not the time it waited (REPORT "CPU:")', async () => {
    await fixture.send('SlowQueue', JSON.stringify({ sleepMs: 300 }));
    await fixture.send('SlowQueue', JSON.stringify({ cpuMs: 150 }));
    const ends: InvocationEndEvent[] = [];
    fixture.startRunner({ functions: ['slow'], concurrency: 1 }).on('invocation-end', (e) => ends.push(e));

    await waitFor('2 invocations', () => ends.length === 2);
    const waited = ends.find((e) => e.durationMs >= 300 && (e.cpuMs ?? Infinity) < 100);
    const computed = ends.find((e) => (e.cpuMs ?? 0) >= 150);
    assert.ok(waited, `a 300 ms sleep costs little CPU: ${JSON.stringify(ends.map((e) => [e.durationMs, e.cpuMs]))}`);
    assert.ok(computed, `150 ms of computing shows as ≥ 150 ms CPU: ${JSON.stringify(ends.map((e) => e.cpuMs))}`);
  });

  void it('the concurrency option overrides serverless.yml', async () => {
    for (let i = 0; i < 3; i++) await fixture.send('SlowQueue', JSON.stringify({ sleepMs: 100 }));
    const starts: InvocationStartEvent[] = [];
    const ends: InvocationEndEvent[] = [];
    fixture
      .startRunner({ functions: ['slow'], concurrency: 1 })
      .on('invocation-start', (e) => starts.push(e))
      .on('invocation-end', (e) => ends.push(e));

    await waitFor('3 invocations', () => ends.length === 3);
    assert.equal(new Set(starts.map((s) => s.environmentId)).size, 1);
    const phases = fixture.records().map((l) => l.phase);
    assert.deepEqual(phases, ['start', 'end', 'start', 'end', 'start', 'end'], 'strictly one at a time');
  });

  void it('stop() waits for an in-flight batch to finish and be deleted', async () => {
    await fixture.send('SlowQueue', JSON.stringify({ sleepMs: 600 }));
    const ends: InvocationEndEvent[] = [];
    const runner = fixture.startRunner({ functions: ['slow'] });
    runner.on('invocation-end', (e) => ends.push(e));
    await waitFor('the invocation to start', () => fixture.records().some((l) => l.phase === 'start'));

    await runner.stop();
    assert.equal(ends.length, 1, 'the in-flight invocation ended before stop() resolved');
    assert.equal(ends[0]?.outcome, 'success');
    assert.deepEqual(
      fixture.records().map((l) => l.phase),
      ['start', 'end'],
    );
    assert.deepEqual(
      await fixture.approximateCounts('SlowQueue'),
      { visible: 0, inFlight: 0 },
      'deleted, not left in flight',
    );
  });
});
