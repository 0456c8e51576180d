import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, settle } from '../../shared/time/fake-clock.ts';
import { SqsBatchSender, type BatchEntry, type BatchFailure, type OutgoingMessage } from './sqs-batch-sender.ts';

const msg = (i: number): OutgoingMessage => ({ body: `{"n":${i}}`, subject: `c/ns/ops-${i}` });

/** A fake queue: records each call's entries; `answer` decides per call which entries fail. */
function fakeQueue(answer: (call: number, entries: BatchEntry[]) => BatchFailure[] | Error = () => []) {
  const calls: BatchEntry[][] = [];
  const delivered: string[] = [];
  const send = async (entries: BatchEntry[]): Promise<BatchFailure[]> => {
    calls.push(entries);
    const result = answer(calls.length, entries);
    if (result instanceof Error) throw result;
    const failed = new Set(result.map((f) => f.id));
    delivered.push(...entries.filter((e) => !failed.has(e.id)).map((e) => e.body));
    return result;
  };
  return { send, calls, delivered };
}

function sender(queue: ReturnType<typeof fakeQueue>, clock: FakeClock, maxAttempts = 3) {
  const stats = { sent: 0, failed: [] as string[] };
  const s = new SqsBatchSender({
    send: queue.send,
    clock,
    lingerMs: 50,
    maxAttempts,
    random: () => 0,
    onSent: (n) => (stats.sent += n),
    onFailed: (m) => stats.failed.push(m.subject),
  });
  return { s, stats };
}

describe('SqsBatchSender', () => {
  it('sends full batches of 10 at once and the rest after the linger', async () => {
    const clock = new FakeClock();
    const queue = fakeQueue();
    const { s, stats } = sender(queue, clock);
    for (let i = 0; i < 25; i++) s.enqueue(msg(i));
    await settle();
    assert.deepEqual(
      queue.calls.map((c) => c.length),
      [10, 10],
    );
    await clock.advance(49);
    assert.equal(queue.calls.length, 2);
    await clock.advance(1);
    assert.deepEqual(
      queue.calls.map((c) => c.length),
      [10, 10, 5],
    );
    assert.equal(stats.sent, 25);
    for (const call of queue.calls)
      assert.equal(new Set(call.map((e) => e.id)).size, call.length, 'ids unique per batch');
  });

  it('retries only the entries that failed, with backoff, then succeeds', async () => {
    const clock = new FakeClock();
    const queue = fakeQueue((call, entries) =>
      call === 1
        ? entries
            .slice(0, 2)
            .map((e) => ({ id: e.id, code: 'InternalError', message: 'try again', senderFault: false }))
        : [],
    );
    const { s, stats } = sender(queue, clock);
    for (let i = 0; i < 4; i++) s.enqueue(msg(i));
    await clock.advance(50);
    assert.equal(queue.calls.length, 1);
    await clock.advance(100);
    assert.deepEqual(
      queue.calls[1]?.map((e) => e.body),
      [msg(0).body, msg(1).body],
    );
    assert.equal(stats.sent, 4);
    assert.deepEqual(stats.failed, []);
    assert.equal(queue.delivered.length, 4);
  });

  it('counts an entry as failed after the bounded attempts, and a sender fault at once', async () => {
    const clock = new FakeClock();
    const queue = fakeQueue((_call, entries) =>
      entries.map((e) => ({
        id: e.id,
        code: e.body.includes('"n":0') ? 'InvalidMessageContents' : 'ServiceUnavailable',
        message: 'no',
        senderFault: e.body.includes('"n":0'),
      })),
    );
    const { s, stats } = sender(queue, clock, 3);
    s.enqueue(msg(0));
    s.enqueue(msg(1));
    await clock.advance(50);
    assert.deepEqual(stats.failed, ['c/ns/ops-0']);
    await clock.advance(10_000);
    assert.equal(queue.calls.length, 3);
    assert.deepEqual(stats.failed, ['c/ns/ops-0', 'c/ns/ops-1']);
    assert.equal(stats.sent, 0);
  });

  it('treats a failed call as every entry failing (retryable)', async () => {
    const clock = new FakeClock();
    const queue = fakeQueue((call) => (call === 1 ? new Error('socket hang up') : []));
    const { s, stats } = sender(queue, clock);
    s.enqueue(msg(0));
    await clock.advance(50);
    await clock.advance(100);
    assert.equal(queue.calls.length, 2);
    assert.equal(stats.sent, 1);
  });

  it('flush sends what lingers and waits for it; drain gives up retrying when its time is out', async () => {
    const clock = new FakeClock();
    const queue = fakeQueue(() => new Error('down'));
    const { s, stats } = sender(queue, clock, 100);
    s.enqueue(msg(0));
    const drained = s.drain(1_000);
    await clock.advance(1_000);
    assert.equal(await drained, false);
    assert.deepEqual(stats.failed, ['c/ns/ops-0']);
    assert.equal(s.inFlight, 0);

    const ok = fakeQueue();
    const { s: s2, stats: stats2 } = sender(ok, clock);
    s2.enqueue(msg(1));
    await s2.flush();
    assert.equal(stats2.sent, 1);
    assert.equal(s2.pending, 0);
  });

  it('keeps at most maxInFlight batches with SQS; the backlog goes out as they settle, partial batch last', async () => {
    const clock = new FakeClock();
    const answers: Array<() => void> = [];
    const calls: number[] = [];
    const s = new SqsBatchSender({
      send: (entries) => {
        calls.push(entries.length);
        return new Promise((resolve) => answers.push(() => resolve([])));
      },
      clock,
      maxInFlight: 2,
    });
    for (let i = 0; i < 45; i++) s.enqueue(msg(i));
    await settle();
    assert.deepEqual(calls, [10, 10], 'two batches in flight, the rest pending');
    assert.equal(s.pending, 25);
    await clock.advance(1_000);
    assert.deepEqual(calls, [10, 10], 'the linger does not widen the window');
    answers.shift()!();
    await settle();
    assert.deepEqual(calls, [10, 10, 10]);
    const flushed = s.flush();
    while (answers.length > 0) {
      answers.shift()!();
      await settle();
    }
    await flushed;
    assert.deepEqual(calls, [10, 10, 10, 10, 5]);
    assert.equal(s.pending, 0);
  });

  it('discardPending drops what was not handed to SQS yet', async () => {
    const clock = new FakeClock();
    const queue = fakeQueue();
    const { s } = sender(queue, clock);
    s.enqueue(msg(0));
    assert.equal(s.discardPending(), 1);
    await clock.advance(100);
    assert.equal(queue.calls.length, 0);
  });
});
