/**
 * The kubelet's per-pod sync (one call per pod key at a time, from the work queue): bind unscheduled pods to
 * this node, start a PodRuntime for each bound pod, keep its status current, and carry out graceful deletion.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { httpStatus, isNotFound, mergePatch, splitKey, type KubeApis } from '../runtime/kube.ts';
import type { Logger } from '../runtime/log.ts';
import { nowRfc3339, stableStringify } from '../runtime/stable-json.ts';
import type { SecretReader } from './container-env.ts';
import type { PodIpAllocator } from './ip-allocator.ts';
import type { PodDirectory, StartScriptOptions } from './start-context.ts';
import { buildPodStatus, statusUpToDate } from './pod-status.ts';
import { PodRuntime } from './pod-runtime.ts';
import type { ReadinessTiming } from './readiness-probe.ts';
import { podRootOf, resetPodRoot } from './volumes.ts';

interface PodSyncOptions {
  apis: KubeApis;
  nodeName: string;
  stateDir: string;
  log: Logger;
  ips: PodIpAllocator;
  readSecret: SecretReader;
  maxGraceMs: number;
  backoff: { initialMs: number; maxMs: number };
  readiness: ReadinessTiming;
  directory: PodDirectory;
  scripts: StartScriptOptions;
  /** Image pull + container creation before a pod's first container start (pod-runtime.ts). */
  startDelayMs?: number;
  /** Ask for another sync of this pod (its container changed state). */
  requeue: (key: string) => void;
}

const isFinished = (pod: V1Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class PodSync {
  readonly runtimes = new Map<string, PodRuntime>();
  private readonly o: PodSyncOptions;
  /** Last status written per pod uid: a server that normalises differently must not make us patch forever. */
  private readonly lastPatched = new Map<string, string>();
  private bindingUnsupported = false;
  private valkeyLogged = false;

  constructor(opts: PodSyncOptions) {
    this.o = opts;
  }

  async sync(key: string, pod: V1Pod | undefined): Promise<void> {
    const existing = this.runtimes.get(key);
    if (existing && existing.uid !== pod?.metadata?.uid) {
      // Force-deleted (gone without passing through deletionTimestamp) or replaced by a new pod of the same name.
      await this.stopRuntime(key, existing, Math.min(2000, this.o.maxGraceMs));
    }
    if (!pod) return;
    if (!pod.spec?.nodeName) return this.bind(pod);
    if (pod.spec.nodeName !== this.o.nodeName) return;
    if (pod.metadata?.deletionTimestamp) return this.finishDeletion(key, pod);
    if (isFinished(pod)) return;
    const rt = this.runtimes.get(key) ?? (await this.startRuntime(key, pod));
    await this.syncStatus(pod, rt);
  }

  async stopAll(graceMs: number): Promise<void> {
    await Promise.all([...this.runtimes].map(([key, rt]) => this.stopRuntime(key, rt, graceMs)));
  }

  private async stopRuntime(key: string, rt: PodRuntime, graceMs: number): Promise<void> {
    await rt.terminate(graceMs);
    this.runtimes.delete(key);
    this.o.ips.release(key);
    this.lastPatched.delete(rt.uid);
  }

  /** The scheduler's job: pods/binding, or a spec.nodeName patch where the server has no binding subresource. */
  private async bind(pod: V1Pod): Promise<void> {
    const { name = '', namespace = 'default' } = pod.metadata ?? {};
    const nodeName = this.o.nodeName;
    if (!this.bindingUnsupported) {
      try {
        await this.o.apis.core.createNamespacedPodBinding({
          name,
          namespace,
          body: { metadata: { name }, target: { kind: 'Node', name: nodeName } },
        });
        return;
      } catch (err) {
        const code = httpStatus(err);
        if (code !== 404 && code !== 405) throw err;
        this.bindingUnsupported = true;
      }
    }
    await this.o.apis.core.patchNamespacedPod({ name, namespace, body: { spec: { nodeName } } }, mergePatch);
  }

  private async finishDeletion(key: string, pod: V1Pod): Promise<void> {
    const rt = this.runtimes.get(key);
    const graceS = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (rt) await this.stopRuntime(key, rt, Math.min(graceS * 1000, this.o.maxGraceMs));
    const { name = '', namespace = 'default', uid } = pod.metadata ?? {};
    try {
      // The final delete: the API server removes the object only once the node confirms the containers are gone.
      // Like the kubelet's status manager (metav1.NewDeleteOptions(0) + UID preconditions), the grace period goes in
      // the body: with a body, the API server ignores the query parameters (handlers/delete.go), so a
      // `?gracePeriodSeconds=0` next to a preconditions body would leave the pod Terminating for its full grace period.
      await this.o.apis.core.deleteNamespacedPod({
        name,
        namespace,
        body: { gracePeriodSeconds: 0, preconditions: { uid } },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async startRuntime(key: string, pod: V1Pod): Promise<PodRuntime> {
    const { namespace, name } = splitKey(key);
    const podIP = await this.o.ips.allocate(key);
    const podRoot = podRootOf(this.o.stateDir, namespace, name);
    await resetPodRoot(podRoot);
    const rt = new PodRuntime({
      pod,
      podIP,
      stateDir: this.o.stateDir,
      podRoot,
      readSecret: this.o.readSecret,
      onChange: () => this.o.requeue(key),
      log: this.o.log,
      backoff: this.o.backoff,
      readiness: this.o.readiness,
      directory: this.o.directory,
      scripts: this.o.scripts,
      ...(this.o.startDelayMs !== undefined ? { startDelayMs: this.o.startDelayMs } : {}),
      onValkeySubstituted: () => {
        if (!this.valkeyLogged) this.o.log.warn('valkey-server is not installed: Valkey pods run redis-server instead');
        this.valkeyLogged = true;
      },
    });
    this.runtimes.set(key, rt);
    rt.start();
    return rt;
  }

  private async syncStatus(pod: V1Pod, rt: PodRuntime): Promise<void> {
    const desired = buildPodStatus(
      pod.status,
      { podIP: rt.podIP, startTime: rt.startTime, container: rt.snapshot() },
      nowRfc3339(),
    );
    const fingerprint = stableStringify(desired);
    if (statusUpToDate(pod.status, desired) || this.lastPatched.get(rt.uid) === fingerprint) return;
    const { name = '', namespace = 'default' } = pod.metadata ?? {};
    await this.o.apis.core.patchNamespacedPodStatus({ name, namespace, body: { status: desired } }, mergePatch);
    this.lastPatched.set(rt.uid, fingerprint);
  }
}
