/** What the runner reports, for logs, metrics and tests. */
import type { SerializedError } from './worker-protocol.ts';

export type InvocationOutcome = 'success' | 'partial-failure' | 'error' | 'timeout' | 'crashed' | 'invalid-response';

export interface InvocationStartEvent {
  functionName: string;
  requestId: string;
  environmentId: number;
  coldStart: boolean;
  messageIds: string[];
  /** The records' bodies, in the same order (the step messages, for tests that check what was sent). */
  bodies: string[];
  /** Each record's SQS SentTimestamp (ms since the epoch): send → invocation start is the queue hop. */
  sentTimestamps: number[];
}

export interface InvocationEndEvent {
  functionName: string;
  requestId: string;
  environmentId: number;
  outcome: InvocationOutcome;
  recordCount: number;
  /** Records deleted from the queue (processed). */
  okCount: number;
  /** Records left on the queue: they come back after the visibility timeout, or go to the DLQ. */
  failedCount: number;
  failedMessageIds: string[];
  /** Handler time, excluding the init phase (Lambda's REPORT "Duration"). */
  durationMs: number;
  /**
   * The environment thread's CPU (user + system) while the handler ran, when it replied (not on timeout or crash):
   * what a Lambda process would be billed for beyond waiting on I/O.
   */
  cpuMs?: number;
  /** Cold starts only: time to start the environment and import the bundle (Lambda's "Init Duration"). */
  initDurationMs?: number;
  error?: SerializedError;
}

export interface LogEvent {
  functionName: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface RunnerErrorEvent {
  functionName: string;
  phase: 'receive' | 'delete' | 'release';
  error: SerializedError;
}

export interface RunnerEvents {
  'invocation-start': InvocationStartEvent;
  'invocation-end': InvocationEndEvent;
  log: LogEvent;
  'runner-error': RunnerErrorEvent;
}
