/* eslint-disable @typescript-eslint/no-unsafe-return -- API JSON is checked by the assertions */
/** Watch protocol details (history, 410, selectors, bookmarks, timeouts, Table) and persistence across restarts. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, openWatch, raw, startTestServer } from './helpers.ts';

const CM = '/api/v1/namespaces/w/configmaps';

void describe('watch protocol', () => {
  let s: KubeApiServer;
  before(async () => {
    s = await startTestServer({ watchHistory: 5, bookmarkIntervalMs: 50 });
    await ensureNamespace(s, 'w');
  });
  after(async () => s.stop());

  void it('sends synthetic ADDED from rv 0, replays from a recent rv, and answers 410 Gone for a compacted one', async () => {
    const first = (await raw(s, 'POST', CM, { metadata: { name: 'a' } })).json;
    const w0 = await openWatch(s, `${CM}?watch=1&resourceVersion=0`);
    await eventually(() => w0.events.length === 1, 'synthetic ADDED');
    assert.equal(w0.events[0]!.type, 'ADDED');
    for (let i = 0; i < 6; i++)
      await raw(s, 'PATCH', `${CM}/a`, { data: { i: String(i) } }, { contentType: 'application/merge-patch+json' });
    await eventually(() => w0.events.length === 7, 'live MODIFIED events');
    w0.close();
    const old = await openWatch(s, `${CM}?watch=true&resourceVersion=${first.metadata.resourceVersion}`);
    await eventually(() => old.ended && old.events.length === 1, '410 event and end');
    assert.equal(old.events[0]!.type, 'ERROR');
    assert.equal(old.events[0]!.object.code, 410);
    assert.equal(old.events[0]!.object.reason, 'Expired');
    const cur = (await raw(s, 'GET', CM)).json.metadata.resourceVersion;
    const recent = await openWatch(
      s,
      `${CM}?watch=true&resourceVersion=${Number(cur) - 2}&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    await eventually(() => recent.events.filter((e) => e.type === 'MODIFIED').length === 2, 'replayed history');
    await eventually(
      () => recent.events.some((e) => e.type === 'BOOKMARK' && e.object.metadata.resourceVersion === cur),
      'bookmark',
    );
    await eventually(() => recent.ended, 'timeoutSeconds ends the stream', 5000);
  });

  void it('refuses a resourceVersion that is not a number with 400 before starting the stream (list too)', async () => {
    for (const bad of ['abc', '-1']) {
      const watch = await raw(s, 'GET', `${CM}?watch=1&resourceVersion=${bad}`);
      assert.equal(watch.status, 400);
      assert.equal(watch.json.reason, 'BadRequest');
      assert.equal(
        watch.json.message,
        `resourceVersion: Invalid value: "${bad}": strconv.ParseUint: parsing "${bad}": invalid syntax`,
      );
    }
    assert.equal((await raw(s, 'GET', `${CM}?resourceVersion=abc`)).status, 400);
  });

  void it('applies label selectors to watches, turning moves out of the selector into DELETED', async () => {
    await raw(s, 'POST', CM, { metadata: { name: 'sel', labels: { role: 'x' } } });
    const w = await openWatch(s, `${CM}?watch=1&labelSelector=role%3Dx`);
    await eventually(() => w.events.length === 1, 'initial ADDED');
    await raw(
      s,
      'PATCH',
      `${CM}/sel`,
      { metadata: { labels: { role: 'y' } } },
      { contentType: 'application/merge-patch+json' },
    );
    await raw(s, 'POST', CM, { metadata: { name: 'other', labels: { role: 'z' } } });
    await raw(
      s,
      'PATCH',
      `${CM}/sel`,
      { metadata: { labels: { role: 'x' } } },
      { contentType: 'application/merge-patch+json' },
    );
    await eventually(() => w.events.length === 3, 'DELETED then ADDED');
    assert.deepEqual(
      w.events.map((e) => [e.type, e.object.metadata.name]),
      [
        ['ADDED', 'sel'],
        ['DELETED', 'sel'],
        ['ADDED', 'sel'],
      ],
    );
    w.close();
  });

  void it('streams Tables to kubectl-style watches and obeys forceGone / dropWatches', async () => {
    const t = await openWatch(s, `${CM}?watch=1&resourceVersion=0`, 'application/json;as=Table;v=v1;g=meta.k8s.io');
    await eventually(() => t.events.length >= 1, 'table event');
    assert.equal(t.events[0]!.object.kind, 'Table');
    assert.ok(t.events[0]!.object.columnDefinitions.length > 0);
    s.faults.forceGone();
    await eventually(() => t.ended && t.events.at(-1)!.object.code === 410, 'forced 410');
    const d = await openWatch(s, `${CM}?watch=1`);
    assert.equal(s.faults.dropWatches(), 1);
    await eventually(() => d.ended, 'dropped stream');
    s.faults.forceGone(1);
    const g = await openWatch(s, `${CM}?watch=1`);
    await eventually(() => g.ended && g.events[0]?.type === 'ERROR', 'next watch gets 410');
  });
});

void describe('persistence', () => {
  void it('restores objects, resourceVersion, CA and admin token from stateDir', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'kube-state-'));
    try {
      const a = await startTestServer({ stateDir });
      await ensureNamespace(a, 'p');
      const created = (
        await raw(a, 'POST', '/api/v1/namespaces/p/configmaps', { metadata: { name: 'keep' }, data: { k: 'v' } })
      ).json;
      await a.stop();
      const b = await startTestServer({ stateDir });
      try {
        assert.equal(b.caPem, a.caPem);
        assert.equal(b.adminToken, a.adminToken);
        const got = (await raw(b, 'GET', '/api/v1/namespaces/p/configmaps/keep')).json;
        assert.deepEqual(got, created);
        const next = (await raw(b, 'POST', '/api/v1/namespaces/p/configmaps', { metadata: { name: 'n' } })).json;
        assert.ok(Number(next.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
        const resumed = await openWatch(
          b,
          `/api/v1/namespaces/p/configmaps?watch=1&resourceVersion=${created.metadata.resourceVersion}`,
        );
        await eventually(
          () => resumed.events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'n'),
          'resume from the snapshot rv',
        );
        resumed.close();
        const older = await openWatch(
          b,
          `/api/v1/namespaces/p/configmaps?watch=1&resourceVersion=${Number(created.metadata.resourceVersion) - 1}`,
        );
        await eventually(
          () => older.ended && older.events[0]?.object.code === 410,
          'history before the restart is gone: 410',
        );
      } finally {
        await b.stop();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
