/**
 * The life of one pod's database container on this node, as the kubelet's sync loop runs it:
 * prepare (volumes, env) → start redis-server (valkey-server for Valkey images, server-binary.ts) → Ready on the first authenticated PONG, then probed periodically with
 * the pod's readinessProbe timing (readiness-probe.ts), so a hung server turns NotReady → on exit: record
 * lastState.terminated, state.waiting CrashLoopBackOff with the process's own last words, restart after an
 * exponential backoff (capped low for local use). Each start re-reads the pod's secrets, so a fixed config heals
 * the pod at its next restart. Every change calls onChange so the kubelet patches the pod status.
 */
import { writeFile, rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { ContainerConfigError, expandVars, resolveEnv, type SecretReader } from './container-env.ts';
import type { RedisStartPlan } from './kubedb-redis-start.ts';
import { planKubeDbStart } from './kubedb-start.ts';
import type { PodDirectory, StartScriptOptions } from './start-context.ts';
import { RedisProcess, type ProcessExit } from './redis-process.ts';
import { pingRedis } from './redis-ping.ts';
import { serverBinary } from './server-binary.ts';
import {
  probeSettings,
  recordProbe,
  type ProbeSettings,
  type ProbeTally,
  type ReadinessTiming,
} from './readiness-probe.ts';
import { mountTable, prepareVolumes } from './volumes.ts';
import type { Logger } from '../runtime/log.ts';
import { nowRfc3339, toRfc3339 } from '../runtime/stable-json.ts';

interface Terminated {
  exitCode: number;
  signal?: number;
  reason: string;
  message: string;
  startedAt: string;
  finishedAt: string;
  containerID?: string;
}

type ContainerState =
  { waiting: { reason: string; message?: string } } | { running: { startedAt: string } } | { terminated: Terminated };

export interface ContainerSnapshot {
  name: string;
  image: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: { terminated?: Terminated };
  containerID?: string;
  /** Something the user should know about how the container runs (e.g. redis-server standing in for valkey). */
  note?: string;
}

interface PodRuntimeOptions {
  pod: V1Pod;
  podIP: string;
  stateDir: string;
  podRoot: string;
  readSecret: SecretReader;
  onChange: () => void;
  log: Logger;
  backoff: { initialMs: number; maxMs: number };
  readiness: ReadinessTiming;
  onValkeySubstituted: () => void;
  directory: PodDirectory;
  scripts: StartScriptOptions;
  /**
   * Time before the container's first start, modelling image pull and container creation (KubeDB's docs show
   * ~13 s per pod). Kubernetes reports the pod Pending, container waiting ContainerCreating, not Ready meanwhile.
   * Restarts (crash loop) do not pay it again: the image is on the node by then. Default 0.
   */
  startDelayMs?: number;
}

/** Pick the database container: KubeDB names it `redis`; otherwise the first container. */
function mainContainer(pod: V1Pod): V1Container | undefined {
  const containers = pod.spec?.containers ?? [];
  return containers.find((c) => c.name === 'redis') ?? containers[0];
}

const signalNumber: Record<string, number> = { SIGTERM: 15, SIGKILL: 9, SIGINT: 2, SIGABRT: 6, SIGSEGV: 11 };

export class PodRuntime {
  readonly uid: string;
  readonly podIP: string;
  readonly startTime = nowRfc3339();
  private readonly opts: PodRuntimeOptions;
  private readonly container: V1Container;
  private readonly probe: ProbeSettings;
  private proc: RedisProcess | undefined;
  private restartCount = 0;
  private ready = false;
  private state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  private lastTerminated: Terminated | undefined;
  private note = '';
  private plan: RedisStartPlan | undefined;
  private stopping = false;
  /** Aborts whatever a start script is waiting for (peers, sentinels) when the pod is stopped. */
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** Aborted when the current process exits or the pod stops: ends the probe's waits. */
  private exitSignal: { proc: RedisProcess; signal: AbortSignal } | undefined;

  constructor(opts: PodRuntimeOptions) {
    this.opts = opts;
    this.uid = opts.pod.metadata?.uid ?? '';
    this.podIP = opts.podIP;
    const container = mainContainer(opts.pod);
    if (!container) throw new ContainerConfigError('pod has no containers');
    this.container = container;
    this.probe = probeSettings(container, opts.readiness.probeTimeScale);
  }

  start(): void {
    this.loop ??= this.run();
  }

  get pid(): number | undefined {
    return this.proc?.running ? this.proc.pid : undefined;
  }

  snapshot(): ContainerSnapshot {
    const containerID = this.proc ? `local://${this.proc.pid}` : undefined;
    return {
      name: this.container.name,
      image: this.container.image ?? '',
      ready: this.ready,
      started: 'running' in this.state,
      restartCount: this.restartCount,
      state: this.state,
      lastState: this.lastTerminated ? { terminated: this.lastTerminated } : {},
      ...(containerID ? { containerID } : {}),
      ...(this.note ? { note: this.note } : {}),
    };
  }

  /** SIGTERM, wait up to graceMs, SIGKILL; resolves when the process is gone and the loop has ended. */
  async terminate(graceMs: number): Promise<void> {
    this.stopping = true;
    this.abort.abort(new Error('pod is stopping'));
    this.wake?.();
    await this.proc?.stop(graceMs);
    await this.loop;
  }

  private async run(): Promise<void> {
    // State stays { waiting: ContainerCreating } (phase Pending) until runOnce starts the process; terminate() wakes it.
    if ((this.opts.startDelayMs ?? 0) > 0) await this.sleep(this.opts.startDelayMs ?? 0);
    let delay = this.opts.backoff.initialMs;
    while (!this.stopping) {
      const exit = await this.runOnce();
      if (this.stopping) break;
      this.setState({ waiting: { reason: 'CrashLoopBackOff', message: exit } });
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.opts.backoff.maxMs);
    }
  }

  /** One container start. Returns the message to show while backing off. */
  private async runOnce(): Promise<string> {
    let proc: RedisProcess;
    try {
      proc = await this.startProcess();
    } catch (err) {
      if (this.stopping) return ''; // a start script waiting for its peers was aborted by terminate()
      if (!(err instanceof ContainerConfigError))
        this.opts.log.error('container start failed', { pod: this.opts.pod.metadata?.name, err });
      const message = err instanceof Error ? err.message : String(err);
      this.setState({ waiting: { reason: 'CreateContainerConfigError', message } });
      return message;
    }
    this.proc = proc;
    if (this.stopping) await proc.stop(0); // terminate() raced the start: it must not leave a process behind
    this.setState({ running: { startedAt: toRfc3339(proc.startedAt) } });
    this.watchReadiness(proc).catch((err: unknown) => this.opts.log.error('readiness check failed', { err }));
    const exit = await proc.exited;
    this.ready = false;
    this.recordExit(exit, proc.pid);
    return this.lastTerminated?.message ?? '';
  }

  private async startProcess(): Promise<RedisProcess> {
    const { pod, podRoot, stateDir, readSecret, podIP } = this.opts;
    const volumeDirs = await prepareVolumes(pod, { stateDir, podRoot }, readSecret);
    const mounts = await mountTable(this.container, volumeDirs);
    const env = await resolveEnv(pod, this.container, podIP, readSecret);
    const containerArgs = (this.container.args ?? []).map((a) => expandVars(a, env));
    const plan = await planKubeDbStart({
      pod,
      image: this.container.image ?? '',
      mounts,
      env,
      containerArgs,
      podIP,
      podRoot,
      directory: this.opts.directory,
      scripts: this.opts.scripts,
      signal: this.abort.signal,
      log: this.opts.log,
    });
    const server = serverBinary(plan.wantsValkey);
    if (server.substitutedValkey) {
      this.note = 'valkey-server is not installed locally; running redis-server instead';
      this.opts.onValkeySubstituted();
    }
    const proc = RedisProcess.start({
      binary: server.binary,
      configFile: plan.configFile,
      args: plan.args,
      cwd: plan.dataDir,
      logFile: join(podRoot, 'container.log'),
    });
    await writeFile(join(podRoot, 'redis.pid'), String(proc.pid));
    this.plan = plan;
    return proc;
  }

  private async watchReadiness(proc: RedisProcess): Promise<void> {
    const plan = this.plan!;
    if (!(await this.firstPong(proc, plan))) return;
    this.setReady(true);
    // The probe keeps running while the start script finishes; a failure of either is reported on its own.
    this.keepProbing(proc, plan).catch((err: unknown) =>
      this.opts.log.error('readiness probe failed', { pod: this.opts.pod.metadata?.name, err }),
    );
    // The rest of the start script (e.g. registering the primary with the sentinels) runs once the server answers.
    await plan.afterReady?.(this.abort.signal).catch((err: unknown) => {
      if (!this.stopping) throw err;
    });
  }

  /**
   * Ready as soon as the server first answers, polled fast: the real kubelet would wait for the probe's first period,
   * which only slows a laptop down. True when the PONG came from the process that is still this pod's container.
   */
  private async firstPong(proc: RedisProcess, plan: RedisStartPlan): Promise<boolean> {
    const { intervalMs, fastDeadlineMs, slowIntervalMs } = this.opts.readiness;
    if (this.probe.initialDelayMs > 0) await this.pause(proc, this.probe.initialDelayMs);
    const tls = plan.tls;
    let ok = await proc.waitReady(this.podIP, plan.port, plan.password, {
      deadlineMs: fastDeadlineMs,
      intervalMs,
      tls,
    });
    while (!ok && this.current(proc)) {
      ok = await proc.waitReady(this.podIP, plan.port, plan.password, {
        deadlineMs: 60_000,
        intervalMs: slowIntervalMs,
        tls,
      });
    }
    return ok && this.current(proc);
  }

  /** The periodic readiness probe, for as long as this process is the pod's container. */
  private async keepProbing(proc: RedisProcess, plan: RedisStartPlan): Promise<void> {
    let tally: ProbeTally = { ready: true, successes: 0, failures: 0 };
    while (this.current(proc)) {
      await this.pause(proc, this.probe.periodMs);
      if (!this.current(proc)) return;
      const ok = await pingRedis(this.podIP, plan.port, plan.password, this.probe.timeoutMs, plan.tls);
      if (!this.current(proc)) return;
      tally = recordProbe(tally, ok, this.probe);
      if (tally.ready !== this.ready) {
        const consecutive = tally.ready ? tally.successes : tally.failures;
        this.opts.log.warn(`readiness probe ${tally.ready ? 'passes again' : 'failed: container not ready'}`, {
          pod: this.opts.pod.metadata?.name,
          pid: proc.pid,
          consecutive,
        });
        this.setReady(tally.ready);
      }
    }
  }

  private current(proc: RedisProcess): boolean {
    return proc.running && !this.stopping && this.proc === proc;
  }

  /** Waits ms, cut short when the process exits or the pod stops (no timer outlives the container). */
  private async pause(proc: RedisProcess, ms: number): Promise<void> {
    if (!this.current(proc)) return;
    await delay(ms, undefined, { signal: this.containerSignal(proc) }).catch((err: unknown) => {
      if (!(err instanceof Error && err.name === 'AbortError')) throw err;
    });
  }

  private containerSignal(proc: RedisProcess): AbortSignal {
    if (this.exitSignal?.proc !== proc) {
      const exited = new AbortController();
      void proc.exited.then(() => exited.abort());
      this.exitSignal = { proc, signal: AbortSignal.any([exited.signal, this.abort.signal]) };
    }
    return this.exitSignal.signal;
  }

  private setReady(ready: boolean): void {
    this.ready = ready;
    this.opts.onChange();
  }

  private recordExit(exit: ProcessExit, pid: number): void {
    const exitCode = exit.code ?? 128 + (signalNumber[exit.signal ?? ''] ?? 0);
    const message = [exit.output, this.note].filter(Boolean).join('\n');
    this.lastTerminated = {
      exitCode,
      ...(exit.signal ? { signal: signalNumber[exit.signal] ?? 0 } : {}),
      reason: exitCode === 0 ? 'Completed' : 'Error',
      message,
      startedAt: toRfc3339(exit.startedAt),
      finishedAt: toRfc3339(exit.finishedAt),
      containerID: `local://${pid}`,
    };
    if (!this.stopping) this.restartCount++;
    this.opts.log.info('container exited', {
      pod: this.opts.pod.metadata?.name,
      exitCode,
      message: exit.output.slice(-300),
    });
    void rm(join(this.opts.podRoot, 'redis.pid'), { force: true }).catch((err: unknown) =>
      this.opts.log.warn('pid file cleanup', { err }),
    );
  }

  private setState(state: ContainerState): void {
    this.state = state;
    this.opts.onChange();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
