/**
 * Follow one RedisOpsRequest until it finishes, reporting each condition as it appears (kubectl get -w, but showing
 * the step, the pod and the message). Uses a real watch; a dropped stream is re-opened from the last version.
 */
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import type { Condition, RedisOpsRequest } from '../../shared/kubedb/types.ts';
import { isTerminalPhase } from '../../shared/kubedb/constants.ts';

interface ProgressLine {
  elapsedMs: number;
  phase: string;
  condition: Condition;
}

export async function followOpsRequest(
  kc: KubeConfig,
  namespace: string,
  name: string,
  onLine: (line: ProgressLine) => void,
  opts: { timeoutMs?: number } = {},
): Promise<RedisOpsRequest> {
  const started = Date.now();
  const seen = new Map<string, string>();
  const deadline = started + (opts.timeoutMs ?? 10 * 60_000);
  const path = `/apis/ops.kubedb.com/v1alpha1/namespaces/${namespace}/redisopsrequests`;
  let resourceVersion: string | undefined;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for RedisOpsRequest ${namespace}/${name} to finish`);
    const done = await new Promise<RedisOpsRequest | undefined>((resolvePromise, reject) => {
      let finished: RedisOpsRequest | undefined;
      const watch = new Watch(kc);
      const request = watch.watch(
        path,
        {
          fieldSelector: `metadata.name=${name}`,
          allowWatchBookmarks: true,
          ...(resourceVersion !== undefined ? { resourceVersion } : {}),
        },
        (type: string, obj: RedisOpsRequest) => {
          resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
          if (type === 'BOOKMARK' || type === 'ERROR') return;
          for (const c of obj.status?.conditions ?? []) {
            const key = `${c.status}|${c.message ?? ''}`;
            if (seen.get(c.type) === key) continue;
            seen.set(c.type, key);
            onLine({ elapsedMs: Date.now() - started, phase: obj.status?.phase ?? '', condition: c });
          }
          if (isTerminalPhase(obj.status?.phase)) {
            finished = obj;
            void request.then((r) => r.abort());
          }
        },
        (err: unknown) =>
          finished !== undefined || err === null || err === undefined || isAbort(err)
            ? resolvePromise(finished)
            : reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
      );
      request.catch(reject);
    }).catch((err: unknown) => {
      // A 410 or a dropped stream: start again from the newest state (list semantics of a watch without a version).
      resourceVersion = undefined;
      if (!(err instanceof Error)) throw err;
      return undefined;
    });
    if (done !== undefined) return done;
  }
}

const isAbort = (err: unknown): boolean =>
  err instanceof Error && (err.name === 'AbortError' || /aborted/i.test(err.message));

export function formatProgress(line: ProgressLine): string {
  const t = `${(line.elapsedMs / 1000).toFixed(1).padStart(5)}s`;
  const c = line.condition;
  return `  ${t}  ${(line.phase || 'Pending').padEnd(11)} ${c.type.padEnd(34)} ${c.status.padEnd(5)} ${c.message ?? ''}`;
}
