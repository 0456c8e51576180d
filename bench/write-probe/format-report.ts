import type { ProbeReport } from './types.ts';

const ms = (value: number): string => `${Math.round(value)} ms`;
const shorten = (cause: string): string => (cause.length > 40 ? `${cause.slice(0, 39)}…` : cause);

/**
 * A compact, fixed-layout text for benchmark output:
 *   writes 5210 acked / 12 failed of 5222 · unavailable longest 1041 ms, total 1041 ms · lost acked writes 0
 *     primary  longest 1041 ms  total 1041 ms  failed 12  windows ms 2003–3044 (Connection is closed.)
 */
export function formatProbeReport(report: ProbeReport): string {
  const head =
    `writes ${report.writesAcknowledged} acked / ${report.writesFailed} failed of ${report.writesAttempted}` +
    ` · unavailable longest ${ms(report.longestUnavailableMs)}, total ${ms(report.totalUnavailableMs)}` +
    ` · lost acked writes ${report.lostAcknowledgedWrites}`;
  const names = Object.keys(report.perTarget);
  const width = Math.max(0, ...names.map((n) => n.length));
  const lines = names.map((name) => {
    const t = report.perTarget[name]!;
    const windows = report.windows
      .filter((w) => w.target === name)
      .map((w) => `${Math.round(w.startMs)}–${Math.round(w.endMs)} (${shorten(w.cause)})`)
      .join(', ');
    return (
      `  ${name.padEnd(width)}  longest ${ms(t.longestUnavailableMs)}  total ${ms(t.totalUnavailableMs)}  failed ${t.failed}` +
      (windows ? `  windows ms ${windows}` : '')
    );
  });
  return [head, ...lines].join('\n');
}
