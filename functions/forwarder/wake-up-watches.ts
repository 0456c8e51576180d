/**
 * The forwarder's wake-up watches (docs/adr/0013-wake-ups.md): per watched namespace (or all), one ListWatch of the
 * Redis pods (KubeDB's labels) and one of the Redis objects, both kept slim in memory, feeding WakeUps; the ops
 * request ListWatch the announcer reads feeds it too (forwarder.ts).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KUBEDB_GROUP, KUBEDB_VERSION, REDIS_PLURAL } from '../../shared/kubedb/constants.ts';
import { kubeWatchSource, podWatchSource } from '../../shared/adapters/kube/kube-watch-source.ts';
import type { KubeObject, ListWatchSource } from '../../shared/adapters/kube/list-watch-source.ts';
import { ListWatch, type ListWatchOptions } from '../../shared/adapters/kube/list-watch.ts';
import { REDIS_PODS_SELECTOR, slimPod, slimRedis, type SlimPod } from './wake-up-policy.ts';
import { WakeUps, type WakeUpsOptions } from './wake-ups.ts';

export interface WakeUpSources {
  pods: ListWatchSource<KubeObject>;
  redises: ListWatchSource<KubeObject>;
}

export function kubeWakeUpSources(kc: KubeConfig, namespace: string | undefined): WakeUpSources {
  return {
    pods: podWatchSource(kc, { namespace, labelSelector: REDIS_PODS_SELECTOR }),
    redises: kubeWatchSource(kc, { group: KUBEDB_GROUP, version: KUBEDB_VERSION, plural: REDIS_PLURAL, namespace }),
  };
}

export function wakeUpWatches(
  sources: WakeUpSources[],
  opts: Omit<WakeUpsOptions, 'pod'>,
  listWatchOptions: ListWatchOptions,
  /** Called at each ListWatch's list (readiness waits for every one). */
  onSynced: () => void,
): { wakeUps: WakeUps; listWatches: Array<ListWatch<KubeObject>> } {
  // Events of a watch's first list are the state found, not changes (`!w.synced`): they wake nothing.
  const podWatches = sources.map((s) => {
    const w: ListWatch<KubeObject> = new ListWatch<KubeObject>(
      s.pods,
      (e) => (e.type === 'synced' ? onSynced() : wakeUps.onPodEvent(e, !w.synced)),
      { ...listWatchOptions, transform: slimPod },
    );
    return w;
  });
  const pod = (key: string): SlimPod | undefined => {
    for (const w of podWatches) {
      const found = w.get(key);
      if (found !== undefined) return found as SlimPod;
    }
    return undefined;
  };
  const wakeUps = new WakeUps({ ...opts, pod });
  const redisWatches = sources.map((s) => {
    const w: ListWatch<KubeObject> = new ListWatch<KubeObject>(
      s.redises,
      (e) => (e.type === 'synced' ? onSynced() : wakeUps.onRedisEvent(e, !w.synced)),
      { ...listWatchOptions, transform: slimRedis },
    );
    return w;
  });
  return { wakeUps, listWatches: [...podWatches, ...redisWatches] };
}
