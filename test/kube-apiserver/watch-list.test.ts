/* eslint-disable @typescript-eslint/no-unsafe-return -- API JSON is checked by the assertions */
/**
 * WatchList semantics of kube-apiserver 1.32 (KEP-3157): initial ADDED events end with a BOOKMARK annotated
 * `k8s.io/initial-events-end: "true"`, the refused option combinations are 422s, and a watch from a resourceVersion
 * older than the watch cache's window gets "too old resource version: X (Y)".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, openWatch, raw, startTestServer } from './helpers.ts';

const CM = '/api/v1/namespaces/wl/configmaps';
const END = 'k8s.io/initial-events-end';

void describe('watch list (sendInitialEvents) and the watch cache window', () => {
  let s: KubeApiServer;
  before(async () => {
    s = await startTestServer({ watchHistory: 4 });
    await ensureNamespace(s, 'wl');
    for (const name of ['a', 'b']) await raw(s, 'POST', CM, { metadata: { name } });
  });
  after(async () => s.stop());

  for (const params of [
    'allowWatchBookmarks=true',
    'allowWatchBookmarks=true&resourceVersion=0',
    'allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan',
    'allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=1',
  ]) {
    void it(`?watch=1&${params}: ADDED for each object, then the initial-events-end BOOKMARK`, async () => {
      const rv = (await raw(s, 'GET', CM)).json.metadata.resourceVersion as string;
      const w = await openWatch(s, `${CM}?watch=1&${params}`);
      try {
        await eventually(() => w.events.length >= 3, 'initial events and bookmark');
        assert.deepEqual(
          w.events.slice(0, 2).map((e) => [e.type, e.object.metadata.name]),
          [
            ['ADDED', 'a'],
            ['ADDED', 'b'],
          ],
        );
        const bookmark = w.events[2]!;
        assert.equal(bookmark.type, 'BOOKMARK');
        assert.equal(bookmark.object.kind, 'ConfigMap');
        assert.equal(bookmark.object.metadata.resourceVersion, rv);
        assert.deepEqual(bookmark.object.metadata.annotations, { [END]: 'true' });
      } finally {
        w.close();
      }
    });
  }

  void it('sends no annotated bookmark without allowWatchBookmarks, and nothing initial for sendInitialEvents=false', async () => {
    const plain = await openWatch(s, `${CM}?watch=1`);
    const quiet = await openWatch(s, `${CM}?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan`);
    try {
      await raw(s, 'POST', CM, { metadata: { name: 'c' } });
      await eventually(() => plain.events.length >= 3 && quiet.events.length >= 1, 'events');
      assert.deepEqual(
        plain.events.map((e) => e.type),
        ['ADDED', 'ADDED', 'ADDED'],
      );
      assert.deepEqual(
        quiet.events.map((e) => [e.type, e.object.metadata.name]),
        [['ADDED', 'c']],
      );
    } finally {
      plain.close();
      quiet.close();
    }
  });

  void it('refuses the combinations ValidateListOptions refuses with 422 ListOptions.meta.k8s.io', async () => {
    const cases: [string, string][] = [
      [
        'watch=1&sendInitialEvents=true',
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      ],
      [
        'watch=1&resourceVersionMatch=NotOlderThan&resourceVersion=5',
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
      ],
      [
        'watch=1&sendInitialEvents=true&resourceVersionMatch=Exact',
        'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]',
      ],
      [
        'sendInitialEvents=true',
        'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
      ],
    ];
    for (const [query, message] of cases) {
      const r = await raw(s, 'GET', `${CM}?${query}`);
      assert.equal(r.status, 422, query);
      assert.equal(r.json.reason, 'Invalid');
      assert.equal(r.json.message, message);
    }
  });

  void it('answers a watch from before the window with 410 Expired "too old resource version: X (Y)"', async () => {
    const first = (await raw(s, 'GET', CM)).json.metadata.resourceVersion as string;
    for (let i = 0; i < 6; i++)
      await raw(s, 'PATCH', `${CM}/a`, { data: { i: String(i) } }, { contentType: 'application/merge-patch+json' });
    const w = await openWatch(s, `${CM}?watch=1&resourceVersion=${first}`);
    await eventually(() => w.ended && w.events.length === 1, '410 and end');
    const status = w.events[0]!.object;
    assert.equal(w.events[0]!.type, 'ERROR');
    assert.equal(status.code, 410);
    assert.equal(status.reason, 'Expired');
    const current = Number((await raw(s, 'GET', CM)).json.metadata.resourceVersion);
    // watchHistory 4: the oldest resumable resourceVersion is current - 4 (events current-3..current are kept).
    assert.equal(status.message, `too old resource version: ${first} (${current - 4})`);
  });
});
