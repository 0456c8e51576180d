import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  probeSettings,
  recordProbe,
  UNSPECIFIED_PROBE,
  type ProbeSettings,
  type ProbeTally,
} from './readiness-probe.ts';

void describe('readiness probe settings', () => {
  void it("takes the pod's readinessProbe, with Kubernetes' defaults for what it leaves out", () => {
    // KubeDB's template as the provisioner writes it: no failureThreshold, so Kubernetes' 3 applies.
    assert.deepEqual(
      probeSettings({ readinessProbe: { exec: { command: ['true'] }, periodSeconds: 10, timeoutSeconds: 5 } }),
      {
        initialDelayMs: 0,
        periodMs: 10_000,
        timeoutMs: 5000,
        successThreshold: 1,
        failureThreshold: 3,
      },
    );
    assert.deepEqual(
      probeSettings({ readinessProbe: { initialDelaySeconds: 2, failureThreshold: 1, successThreshold: 2 } }),
      {
        initialDelayMs: 2000,
        periodMs: 10_000,
        timeoutMs: 1000,
        successThreshold: 2,
        failureThreshold: 1,
      },
    );
  });
  void it('probes a container without readinessProbe every second, NotReady after 3 failures', () => {
    assert.deepEqual(probeSettings({}), UNSPECIFIED_PROBE);
    assert.deepEqual(UNSPECIFIED_PROBE, {
      initialDelayMs: 0,
      periodMs: 1000,
      timeoutMs: 1000,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });
  void it('scales the durations, never the thresholds', () => {
    assert.deepEqual(probeSettings({ readinessProbe: { periodSeconds: 10, timeoutSeconds: 5 } }, 0.1), {
      initialDelayMs: 0,
      periodMs: 1000,
      timeoutMs: 500,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });
});

void describe('readiness probe tally', () => {
  const s: ProbeSettings = { ...UNSPECIFIED_PROBE, failureThreshold: 3, successThreshold: 2 };
  const run = (start: ProbeTally, results: boolean[]): boolean[] => {
    let t = start;
    return results.map((ok) => (t = recordProbe(t, ok, s)).ready);
  };
  void it('turns NotReady only after failureThreshold consecutive failures', () => {
    assert.deepEqual(run({ ready: true, successes: 0, failures: 0 }, [false, false, true, false, false, false]), [
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });
  void it('turns Ready again only after successThreshold consecutive successes', () => {
    assert.deepEqual(run({ ready: false, successes: 0, failures: 3 }, [true, false, true, true]), [
      false,
      false,
      false,
      true,
    ]);
  });
});
