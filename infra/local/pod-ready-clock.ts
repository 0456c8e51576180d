/**
 * When did a database's restarted pods last become Ready? `npm start` prints, after each flow, how long the pipeline
 * took after the last of its pods came back (issue 11: a flow should finish within about a second of it), so the demo
 * shows our overhead apart from the pod's own start. A pod came back when a watch event first shows a pod (uid) not
 * in the initial list with the condition Ready=True (a pod that was there before and flips Ready is not one the flow
 * restarted); the time is when the event arrived here (lastTransitionTime has whole-second resolution). A relist
 * after a 410 takes the pods it finds as already there: a demo's measure, not a controller.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ListWatch, type ListWatchEvent } from '../../shared/adapters/kube/list-watch.ts';
import { podWatchSource } from '../../shared/adapters/kube/kube-watch-source.ts';

interface PodLike {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

const isReady = (pod: PodLike | undefined): boolean =>
  pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

export interface PodReadyClock {
  /** The last pod that became Ready at or after `since` (epoch ms), and when. */
  lastReadySince(since: number): { pod: string; at: number } | undefined;
  stop(): Promise<void>;
}

export async function watchPodReadiness(kc: KubeConfig, namespace: string, instance: string): Promise<PodReadyClock> {
  const readyAt: { pod: string; at: number }[] = [];
  // Pods present before the flow (the initial list) and pods already seen Ready are not "came back": only the first
  // Ready of a pod recreated since counts (a restart here is an eviction and a new pod, as under a PetSet).
  const counted = new Set<string>();
  let synced = false;
  const onEvent = (e: ListWatchEvent<PodLike>): void => {
    if (e.type === 'synced') {
      for (const pod of e.objects) counted.add(pod.metadata?.uid ?? '');
      synced = true;
      return;
    }
    if (e.type === 'deleted') return;
    const uid = e.object.metadata?.uid ?? '';
    if (!synced || counted.has(uid) || !isReady(e.object)) return;
    counted.add(uid);
    readyAt.push({ pod: e.object.metadata?.name ?? '', at: Date.now() });
  };
  const source = podWatchSource<PodLike>(kc, { namespace, labelSelector: `app.kubernetes.io/instance=${instance}` });
  const watch = new ListWatch<PodLike>(source, onEvent);
  const running = watch.run();
  await watch.whenSynced();
  return {
    lastReadySince: (since) => readyAt.filter((r) => r.at >= since).at(-1),
    async stop() {
      await watch.stop();
      await running;
    },
  };
}

/** "pod X Ready → Successful in N ms", or what happened instead (no pod restarted: a live apply). */
export function afterReadyLine(clock: PodReadyClock, started: number, finishedAt: number, phase: string): string {
  const last = clock.lastReadySince(started);
  if (last === undefined)
    return `no pod restarted; ${phase} ${finishedAt - started} ms after the ops request was created`;
  return `${last.pod} Ready → ${phase} in ${Math.max(0, finishedAt - last.at)} ms (the pipeline's own time after the last pod came back)`;
}
