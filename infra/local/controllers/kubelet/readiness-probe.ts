/**
 * Readiness probing with the kubelet's semantics (pkg/kubelet/prober): after the container's first authenticated
 * PONG, probe every periodSeconds with timeoutSeconds; failureThreshold consecutive failures make the container
 * NotReady, successThreshold consecutive successes make it Ready again. The probe itself is always the
 * authenticated PING (what KubeDB's exec probe `redis-cli ping | grep PONG` checks); only its timing comes from the
 * pod's readinessProbe, so a hung redis-server (SIGSTOP, a long blocking script) turns the pod NotReady.
 */
import type { V1Container, V1Probe } from '@kubernetes/client-node';

export interface ProbeSettings {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** How the kubelet looks for readiness; `probeTimeScale` multiplies every probe duration (tests run them faster). */
export interface ReadinessTiming {
  /** Polling for the first PONG: every intervalMs for fastDeadlineMs, then every slowIntervalMs. */
  intervalMs: number;
  fastDeadlineMs: number;
  slowIntervalMs: number;
  probeTimeScale?: number;
}

export const DEFAULT_READINESS_TIMING: ReadinessTiming = { intervalMs: 20, fastDeadlineMs: 5000, slowIntervalMs: 500 };

/**
 * A container without a readinessProbe is still gated on PING locally (it is a database); it is probed every second
 * so that a hang shows within a few seconds.
 */
export const UNSPECIFIED_PROBE: ProbeSettings = {
  initialDelayMs: 0,
  periodMs: 1000,
  timeoutMs: 1000,
  successThreshold: 1,
  failureThreshold: 3,
};

/** Kubernetes' defaults for fields a given probe leaves out (core/v1 Probe). */
const K8S_PROBE_DEFAULTS = {
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
  initialDelaySeconds: 0,
};

const positive = (value: number | undefined, fallback: number): number =>
  value !== undefined && value >= 1 ? value : fallback;

export function probeSettings(container: Pick<V1Container, 'readinessProbe'>, timeScale = 1): ProbeSettings {
  const p: V1Probe | undefined = container.readinessProbe;
  const base: ProbeSettings = p
    ? {
        initialDelayMs: Math.max(0, p.initialDelaySeconds ?? K8S_PROBE_DEFAULTS.initialDelaySeconds) * 1000,
        periodMs: positive(p.periodSeconds, K8S_PROBE_DEFAULTS.periodSeconds) * 1000,
        timeoutMs: positive(p.timeoutSeconds, K8S_PROBE_DEFAULTS.timeoutSeconds) * 1000,
        successThreshold: positive(p.successThreshold, K8S_PROBE_DEFAULTS.successThreshold),
        failureThreshold: positive(p.failureThreshold, K8S_PROBE_DEFAULTS.failureThreshold),
      }
    : UNSPECIFIED_PROBE;
  return {
    ...base,
    initialDelayMs: base.initialDelayMs * timeScale,
    periodMs: base.periodMs * timeScale,
    timeoutMs: base.timeoutMs * timeScale,
  };
}

export interface ProbeTally {
  ready: boolean;
  /** Consecutive results of the current streak; a result of the other kind starts a new streak. */
  successes: number;
  failures: number;
}

/** One probe result applied to the tally, as the prober's worker does it. */
export function recordProbe(tally: ProbeTally, ok: boolean, s: ProbeSettings): ProbeTally {
  const successes = ok ? tally.successes + 1 : 0;
  const failures = ok ? 0 : tally.failures + 1;
  let ready = tally.ready;
  if (ok && successes >= s.successThreshold) ready = true;
  if (!ok && failures >= s.failureThreshold) ready = false;
  return { ready, successes, failures };
}
