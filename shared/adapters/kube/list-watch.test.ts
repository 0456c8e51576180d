import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, WATCH_BACKOFF } from '../../time/backoff.ts';
import { FakeClock, settle } from '../../time/fake-clock.ts';
import {
  INITIAL_EVENTS_END,
  type KubeObject,
  type ListResult,
  type ListWatchSource,
  type RawWatchEvent,
  type WatchHandle,
  type WatchOptions,
} from './list-watch-source.ts';
import { ListWatch, type ListWatchEvent } from './list-watch.ts';

interface OpenWatch {
  resourceVersion: string;
  sendInitialEvents: boolean;
  onEvent: (e: RawWatchEvent<KubeObject>) => void;
  onEnd: (err?: unknown) => void;
  aborted: boolean;
}

/** An in-memory API: objects with resourceVersions, list and watch calls recorded, failures on demand. */
class MemorySource implements ListWatchSource<KubeObject> {
  rv = 10;
  objects = new Map<string, KubeObject>();
  listCalls = 0;
  failLists = 0;
  watches: OpenWatch[] = [];

  put(name: string): KubeObject {
    const o = { metadata: { name, namespace: 'ns', resourceVersion: String(++this.rv) } };
    this.objects.set(name, o);
    return o;
  }

  async list(transform: (o: KubeObject) => KubeObject): Promise<ListResult<KubeObject>> {
    this.listCalls++;
    if (this.failLists > 0) {
      this.failLists--;
      throw Object.assign(new Error('injected'), { code: 500 });
    }
    return { items: [...this.objects.values()].map(transform), resourceVersion: String(this.rv) };
  }

  async watch(
    resourceVersion: string,
    onEvent: OpenWatch['onEvent'],
    onEnd: OpenWatch['onEnd'],
    options?: WatchOptions,
  ): Promise<WatchHandle> {
    const sendInitialEvents = options?.sendInitialEvents === true;
    const w: OpenWatch = { resourceVersion, sendInitialEvents, onEvent, onEnd, aborted: false };
    this.watches.push(w);
    return { abort: () => (w.aborted = true) };
  }

  get open(): OpenWatch {
    const w = this.watches.at(-1);
    assert.ok(w !== undefined && !w.aborted, 'a watch is open');
    return w;
  }
}

function setup(
  opts: { silenceTimeoutMs?: number; watchList?: boolean; handler?: (e: ListWatchEvent<KubeObject>) => void } = {},
) {
  const clock = new FakeClock();
  const source = new MemorySource();
  const events: string[] = [];
  const counters = { restarts: [] as string[], relists: 0 };
  const lw = new ListWatch<KubeObject>(
    source,
    opts.handler ??
      ((e) => {
        events.push(e.type === 'synced' ? `synced:${e.objects.length}` : `${e.type}:${e.object.metadata?.name}`);
      }),
    {
      clock,
      backoff: new Backoff(WATCH_BACKOFF, () => 0),
      silenceTimeoutMs: opts.silenceTimeoutMs ?? 60_000,
      healthyAfterMs: 30_000,
      onWatchRestart: (r) => counters.restarts.push(r),
      onRelist: () => counters.relists++,
      watchList: opts.watchList ?? false,
    },
  );
  return { clock, source, events, counters, lw };
}

describe('ListWatch', () => {
  it('lists, reports added + synced, then watches from the list resourceVersion', async () => {
    const { source, events, lw } = setup();
    source.put('a');
    source.put('b');
    const run = lw.run();
    await settle();
    assert.deepEqual(events, ['added:a', 'added:b', 'synced:2']);
    assert.equal(lw.synced, true);
    assert.equal(source.open.resourceVersion, '12');
    await lw.stop();
    await run;
  });

  it('moves the resourceVersion on events and bookmarks, and resumes from it after the stream ends', async () => {
    const { clock, source, events, counters, lw } = setup();
    const run = lw.run();
    await settle();
    const c = source.put('c');
    source.open.onEvent({ type: 'ADDED', object: c });
    source.open.onEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '40' } } });
    source.open.onEnd();
    await settle();
    assert.deepEqual(events, ['synced:0', 'added:c']);
    assert.equal(source.watches.length, 1, 'no reconnect before the backoff delay');
    await clock.advance(199);
    assert.equal(source.watches.length, 1);
    await clock.advance(1);
    assert.equal(source.open.resourceVersion, '40');
    assert.equal(source.listCalls, 1, 'a plain end re-watches; it does not relist');
    assert.deepEqual(counters.restarts, ['closed']);
    await lw.stop();
    await run;
  });

  it('backs off 200, 400, 800 ms on repeated errors and resets after a healthy stream', async () => {
    const { clock, source, lw } = setup();
    const run = lw.run();
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = clock.now();
      source.open.onEnd(Object.assign(new Error('boom'), { statusCode: 500 }));
      const n = source.watches.length;
      while (source.watches.length === n) await clock.advance(100);
      delays.push(clock.now() - before);
    }
    assert.deepEqual(delays, [200, 400, 800]);
    await clock.advance(30_000); // stays up long enough to count as healthy
    source.open.onEnd(new Error('after a healthy period'));
    const n = source.watches.length;
    await clock.advance(0);
    assert.equal(source.watches.length, n + 1, 'reconnects at once after a healthy stream');
    await lw.stop();
    await run;
  });

  it('relists on 410 Gone (event or HTTP) and diffs the relist against what it knew', async () => {
    const { clock, source, events, counters, lw } = setup();
    source.put('keep');
    source.put('gone-meanwhile');
    const run = lw.run();
    await settle();
    source.objects.delete('gone-meanwhile');
    source.put('keep'); // new resourceVersion
    source.put('new');
    source.open.onEvent({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
    await clock.advance(1000);
    assert.equal(source.listCalls, 2);
    assert.equal(counters.relists, 1);
    assert.deepEqual(events.slice(3), ['modified:keep', 'added:new', 'deleted:gone-meanwhile', 'synced:2']);
    source.open.onEnd(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await clock.advance(1000);
    assert.equal(source.listCalls, 3);
    assert.deepEqual(counters.restarts, ['gone', 'gone']);
    await lw.stop();
    await run;
  });

  it('retries a failing list with backoff', async () => {
    const { clock, source, events, lw } = setup();
    source.failLists = 2;
    const run = lw.run();
    await settle();
    assert.equal(source.listCalls, 1);
    await clock.advance(200);
    assert.equal(source.listCalls, 2);
    await clock.advance(399);
    assert.equal(source.listCalls, 2);
    await clock.advance(1);
    assert.equal(source.listCalls, 3);
    assert.deepEqual(events, ['synced:0']);
    await lw.stop();
    await run;
  });

  it('treats a stream silent for longer than the silence timeout as dead', async () => {
    const { clock, source, counters, lw } = setup({ silenceTimeoutMs: 20_000 });
    const run = lw.run();
    await settle();
    await clock.advance(15_000);
    source.open.onEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '99' } } });
    await clock.advance(15_000);
    assert.deepEqual(counters.restarts, [], 'a bookmark keeps it alive');
    await clock.advance(5_000);
    assert.deepEqual(counters.restarts, ['silent']);
    assert.equal(source.watches[0]?.aborted, true);
    await clock.advance(1000);
    assert.equal(source.open.resourceVersion, '99');
    await lw.stop();
    await run;
  });

  it('ignores events from a stream it already abandoned', async () => {
    const { clock, source, events, lw } = setup();
    const run = lw.run();
    await settle();
    const stale = source.open;
    stale.onEnd(new Error('x'));
    await clock.advance(200);
    stale.onEvent({ type: 'ADDED', object: source.put('late') });
    await settle();
    assert.deepEqual(events, ['synced:0']);
    await lw.stop();
    await run;
  });

  it('rejects run() with the handler error and stops watching', async () => {
    const { source, lw } = setup({
      handler: (e) => {
        if (e.type === 'added') throw new TypeError('handler bug');
      },
    });
    source.put('a');
    await assert.rejects(lw.run(), TypeError);
    assert.equal(lw.healthy, false);
    assert.ok(source.watches.every((w) => w.aborted));
  });

  it('keeps a readable cache and resolves whenSynced after the first list', async () => {
    const { source, lw } = setup();
    source.put('a');
    const synced = lw.whenSynced();
    const run = lw.run();
    await synced;
    assert.equal(lw.get('ns/a')?.metadata?.name, 'a');
    source.open.onEvent({ type: 'DELETED', object: source.put('a') });
    await settle();
    assert.equal(lw.get('ns/a'), undefined);
    assert.deepEqual(lw.list(), []);
    await lw.stop();
    await run;
  });

  it('starts with a watch-list: the initial ADDED events up to the initial-events-end bookmark are the list', async () => {
    const { source, events, counters, lw } = setup({ watchList: true });
    const run = lw.run();
    await settle();
    const w = source.open;
    assert.deepEqual([w.resourceVersion, w.sendInitialEvents], ['', true]);
    w.onEvent({ type: 'ADDED', object: source.put('a') });
    w.onEvent({ type: 'ADDED', object: source.put('b') });
    w.onEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '30' } } });
    await settle();
    assert.deepEqual(events, [], 'nothing is reported before the end bookmark');
    const end = { metadata: { resourceVersion: '31', annotations: { [INITIAL_EVENTS_END]: 'true' } } };
    w.onEvent({ type: 'BOOKMARK', object: end });
    w.onEvent({ type: 'ADDED', object: source.put('c') });
    await settle();
    assert.deepEqual(events, ['added:a', 'added:b', 'synced:2', 'added:c']);
    assert.equal(lw.synced, true);
    assert.equal(source.listCalls, 0, 'no LIST');
    assert.equal(counters.relists, 0);
    assert.equal(lw.resourceVersion, '13');
    await lw.stop();
    await run;
  });

  it('falls back to one LIST when a watch-list ends before its end bookmark, then tries watch-lists again', async () => {
    const { clock, source, events, lw } = setup({ watchList: true });
    source.put('a');
    const run = lw.run();
    await settle();
    source.open.onEnd(Object.assign(new Error('Unprocessable'), { statusCode: 422 }));
    await clock.advance(200);
    assert.equal(source.listCalls, 1);
    assert.deepEqual(events, ['added:a', 'synced:1']);
    assert.equal(source.open.sendInitialEvents, false, 'after the LIST, a plain watch from its resourceVersion');
    source.open.onEvent({ type: 'ERROR', object: { code: 410 } });
    await clock.advance(1000);
    assert.equal(source.open.sendInitialEvents, true, 'a 410 relists with a watch-list again');
    await lw.stop();
    await run;
  });
});
