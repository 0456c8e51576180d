/**
 * The project's ListWatch (shared/adapters/kube, as the local controllers run it) against the watch cache window: resuming from a
 * resourceVersion older than the retained history gets 410 "too old resource version", and the client relists.
 * The re-watch is held back (a gate around client-node's Watch) until more writes than the window have happened,
 * so the stale resume is deterministic.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Watch } from '@kubernetes/client-node';
import { ListWatch } from '../../shared/adapters/kube/list-watch.ts';
import { watchSource } from '../../shared/adapters/kube/kube-watch-source.ts';
import { loadKubeConfig, makeApis } from '../../infra/local/controllers/runtime/kube.ts';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, raw, startTestServer } from './helpers.ts';

const NS = 'stale';
const CM = `/api/v1/namespaces/${NS}/configmaps`;

/** client-node's Watch whose calls after the first wait for `open()`; records each watch's error events. */
class GatedWatch extends Watch {
  calls = 0;
  readonly errors: { code?: number; message?: string }[] = [];
  private release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  open(): void {
    this.release();
  }

  override async watch(
    path: string,
    params: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (++this.calls > 1) await this.gate;
    return super.watch(
      path,
      params,
      (phase, obj, watchObj) => {
        if (phase === 'ERROR') this.errors.push(obj as { code?: number; message?: string });
        callback(phase, obj, watchObj);
      },
      done,
    );
  }
}

void describe('controllers ListWatch: resume from before the watch cache window', () => {
  let s: KubeApiServer;
  before(async () => {
    s = await startTestServer({ watchHistory: 3 });
    await ensureNamespace(s, NS);
    await raw(s, 'POST', CM, { metadata: { name: 'a' }, data: { i: '0' } });
  });
  after(async () => s.stop());

  void it('gets 410 "too old resource version" and relists', async () => {
    const apis = makeApis(loadKubeConfig({ yaml: s.kubeconfig() }));
    const watch = new GatedWatch(apis.kc);
    let lists = 0;
    const source = watchSource<{ metadata?: { name?: string }; data?: Record<string, string> }>({
      watch,
      path: CM,
      listPage: async () => {
        lists++;
        return apis.core.listNamespacedConfigMap({ namespace: NS });
      },
    });
    const lw = new ListWatch(source, () => undefined);
    const run = lw.run();
    try {
      await lw.whenSynced();
      await eventually(() => s.faults.watches.size === 1, 'first watch open');
      assert.equal(s.faults.dropWatches(), 1);
      await eventually(() => watch.calls === 2, 'the re-watch waits at the gate');
      const listsBefore = lists; // a dropped stream may or may not have been relisted already: not what is tested
      for (let i = 1; i <= 5; i++)
        await raw(s, 'PATCH', `${CM}/a`, { data: { i: String(i) } }, { contentType: 'application/merge-patch+json' });
      watch.open();
      await eventually(() => lw.get(`${NS}/a`)?.data?.i === '5', 'the relisted cache has the last write');
      assert.equal(lists, listsBefore + 1, 'one relist, after the 410');
      assert.equal(watch.errors[0]?.code, 410);
      assert.match(watch.errors[0]?.message ?? '', /^too old resource version: \d+ \(\d+\)$/);
    } finally {
      await lw.stop();
      await run;
    }
  });

  void it('starts with a watch-list (no LIST): the initial events end with the initial-events-end bookmark', async () => {
    const apis = makeApis(loadKubeConfig({ yaml: s.kubeconfig() }));
    let lists = 0;
    const source = watchSource<{ metadata?: { name?: string }; data?: Record<string, string> }>({
      watch: apis.watch,
      path: CM,
      listPage: async () => {
        lists++;
        return apis.core.listNamespacedConfigMap({ namespace: NS });
      },
    });
    const seen: string[] = [];
    const lw = new ListWatch(source, (e) => void seen.push(e.type), { watchList: true });
    const run = lw.run();
    try {
      await lw.whenSynced();
      assert.equal(lists, 0, 'no LIST');
      assert.equal(lw.get(`${NS}/a`)?.metadata?.name, 'a');
      await eventually(() => seen.length === 2, 'the synced event handled');
      assert.deepEqual(seen, ['added', 'synced']);
      await raw(s, 'POST', CM, { metadata: { name: 'b' }, data: { i: '0' } });
      await eventually(() => lw.get(`${NS}/b`) !== undefined, 'the same stream goes on with the changes');
    } finally {
      await lw.stop();
      await run;
    }
  });
});
