/**
 * RestWatch (the forwarder's watch stream over node:http) against the local API server, which serves watches as
 * kube-apiserver does: events line by line, bookmarks, 410 for a resourceVersion older than its window, and HTTP
 * errors as metav1.Status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadKubeConfig } from '../../infra/local/controllers/runtime/kube.ts';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, raw, startTestServer } from './helpers.ts';
import { ApiException } from '@kubernetes/client-node';
import { RestWatch } from '../../shared/adapters/kube/kube-rest-watch.ts';
import { isGone } from '../../shared/adapters/kube/list-watch-source.ts';

const NS = 'rest-watch';
const CM = `/api/v1/namespaces/${NS}/configmaps`;

interface Seen {
  events: Array<{ type: string; object: { metadata?: { name?: string }; data?: { v?: string }; code?: number } }>;
  ended: unknown[];
}

async function open(s: KubeApiServer, params: Record<string, string | number | boolean>, path = CM) {
  const seen: Seen = { events: [], ended: [] };
  const handle = await new RestWatch(loadKubeConfig({ yaml: s.kubeconfig() })).watch(
    path,
    params,
    (type, object) => void seen.events.push({ type, object: object as Seen['events'][number]['object'] }),
    (err) => void seen.ended.push(err),
  );
  return { seen, handle };
}

void describe('RestWatch over the local API server', () => {
  let s: KubeApiServer;
  before(async () => {
    s = await startTestServer({ watchHistory: 3 });
    await ensureNamespace(s, NS);
  });
  after(async () => s.stop());

  void it('hands on each event as it arrives; abort ends it without a done', async () => {
    const { seen, handle } = await open(s, { resourceVersion: '0', allowWatchBookmarks: true });
    // A value long enough to span several chunks of the stream: lines are reassembled before parsing.
    const big = 'x'.repeat(200_000);
    await raw(s, 'POST', CM, { metadata: { name: 'a' }, data: { v: big } });
    await raw(s, 'POST', CM, { metadata: { name: 'b' }, data: { v: '1' } });
    const added = (): Seen['events'] => seen.events.filter((e) => e.type !== 'BOOKMARK');
    await eventually(() => added().length >= 2, 'two events');
    assert.deepEqual(
      added().map((e) => [e.type, e.object.metadata?.name]),
      [
        ['ADDED', 'a'],
        ['ADDED', 'b'],
      ],
    );
    assert.equal(added()[0]?.object.data?.v, big);
    handle.abort();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(seen.ended, []);
  });

  void it('a resourceVersion older than the window: an ERROR event with code 410 (relist)', async () => {
    const first = await raw(s, 'POST', CM, { metadata: { name: 'old' }, data: { i: '0' } });
    const rv = (first.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    for (let i = 1; i <= 5; i++)
      await raw(s, 'PATCH', `${CM}/old`, { data: { i: String(i) } }, { contentType: 'application/merge-patch+json' });
    const { seen, handle } = await open(s, { resourceVersion: rv });
    try {
      await eventually(() => seen.events.some((e) => e.type === 'ERROR'), 'the ERROR event');
      const error = seen.events.find((e) => e.type === 'ERROR');
      assert.equal(isGone(error?.object), true);
    } finally {
      handle.abort();
    }
  });

  void it('a callback that throws ends the stream with its error (not an uncaught exception)', async () => {
    const ended: unknown[] = [];
    const boom = new Error('handler bug');
    await new RestWatch(loadKubeConfig({ yaml: s.kubeconfig() })).watch(
      CM,
      { resourceVersion: '0' },
      () => {
        throw boom;
      },
      (err) => void ended.push(err),
    );
    await raw(s, 'POST', CM, { metadata: { name: 'c' }, data: { v: '1' } });
    await eventually(() => ended.length === 1, 'done');
    assert.equal(ended[0], boom);
  });

  void it('an HTTP error ends it at once with ApiException (the status code)', async () => {
    const { seen } = await open(s, { resourceVersion: '0' }, '/apis/example.com/v1/nothings');
    await eventually(() => seen.ended.length === 1, 'done');
    assert.ok(seen.ended[0] instanceof ApiException);
    assert.equal(seen.ended[0].code, 404);
  });
});
