/** What the write probe is pointed at, and what it reports. Shapes fixed by the benchmark that consumes them. */
export type ProbeTarget =
  | { mode: 'standalone'; host: string; port: number; password?: string }
  | {
      mode: 'cluster';
      seeds: Array<{ host: string; port: number }>;
      password?: string;
      /** When given, N hash tags spread evenly over the 16384 slots; otherwise one tag per master from CLUSTER SLOTS. */
      shards?: number;
    }
  | {
      mode: 'sentinel';
      sentinels: Array<{ host: string; port: number }>;
      masterName: string;
      password?: string;
      sentinelPassword?: string;
    };

export interface UnavailabilityWindow {
  /** ms since probe start (monotonic clock): when the first failing write of the window was issued. */
  startMs: number;
  /** ms since probe start: when the next write was acknowledged (or the probe stopped, if none was). */
  endMs: number;
  /** A Cluster hash tag such as `{t3}`, or 'primary' for Standalone / Sentinel. */
  target: string;
  /** The error of the write that opened the window (e.g. "Connection is closed.", "READONLY …", a timeout). */
  cause: string;
}

export interface TargetSummary {
  longestUnavailableMs: number;
  totalUnavailableMs: number;
  failed: number;
}

export interface ProbeReport {
  writesAttempted: number;
  writesAcknowledged: number;
  writesFailed: number;
  longestUnavailableMs: number;
  totalUnavailableMs: number;
  windows: UnavailabilityWindow[];
  /** Acknowledged SETs whose value is missing or different when the probe stops. */
  lostAcknowledgedWrites: number;
  perTarget: Record<string, TargetSummary>;
  /** 'error' events of the writer client (connection attempts that failed); context for the windows. */
  clientErrorEvents: number;
}

export interface ProbeOptions {
  /** Minimum time between the starts of two writes of one writer. Default 10. */
  intervalMs?: number;
  /** A write not acknowledged within this time counts as failed. Default 500. */
  writeTimeoutMs?: number;
  /** Key prefix; must not contain '{' or '}' (the hash tag has to be the target's). Default `write-probe:<random>`. */
  keyPrefix?: string;
  /** How long to wait for the first connection (and, for Cluster, CLUSTER SLOTS) before `stop()` rejects. Default 10000. */
  startupTimeoutMs?: number;
}

export interface ProbeProgress {
  /** Acknowledged writes per target so far. */
  acknowledged: Record<string, number>;
  /** Failed writes per target so far. */
  failed: Record<string, number>;
}

export interface WriteProbe {
  /**
   * Stops the writers, verifies every acknowledged key, deletes the probe's keys (unless `keepKeys`: e.g. when the
   * address written to is a read-only replica by now), and reports.
   */
  stop(options?: { keepKeys?: boolean }): Promise<ProbeReport>;
  /**
   * Resolves once every target has at least `minAcknowledged` acknowledged writes (e.g. before disrupting
   * the database, so the disruption is measured against a probe that was demonstrably writing).
   */
  waitForWrites(minAcknowledged: number, timeoutMs: number): Promise<ProbeProgress>;
  progress(): ProbeProgress;
}
