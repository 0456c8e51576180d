/**
 * The few lines of a pod's log that say why redis-server (or valkey-server) stopped, for a condition message. Pure.
 * What reaches us is the container's termination message: the kubelet keeps the last 2048 bytes / 80 lines of the
 * log (FallbackToLogsOnError), so it usually starts mid-line and is mostly start-up chatter. The engine says why it
 * stopped in one of two shapes: the `*** FATAL CONFIG FILE ERROR ***` block (the line number, `>>> 'directive …'`
 * and the reason), or warning-level log lines (`<pid>:<role> <date> # <text>`, e.g. `Failed listening on port …`).
 */

/** At most this many characters: a condition message, not a log. */
export const EXCERPT_MAX_CHARS = 300;
/** Warning lines kept when there is no FATAL block: the reason is the last of them, the one before often the cause. */
const WARNING_LINES = 2;

/** `1042:M 02 Dec 2026 16:36:03.375 # text`: redis-server's log line; `#` is the warning level. */
const LOG_LINE = /^\d+:[XCSM] \d{1,2} [A-Z][a-z]{2} \d{4} [\d:.]+ ([.\-*#]) (.*)$/;
const FATAL = /^\*\*\* FATAL CONFIG FILE ERROR/;

export function engineExcerpt(log: string): string {
  const lines = completeLines(log);
  const fatal = lines.findLastIndex((l) => FATAL.test(l));
  if (fatal >= 0) {
    // The block is 4 lines: the banner, "Reading the configuration file, at line N", ">>> '…'", the reason; when it
    // does not fit, the directive and the reason are what matter.
    const block = lines.slice(fatal, fatal + 4);
    const whole = block.join(' / ');
    return whole.length <= EXCERPT_MAX_CHARS ? whole : bounded(block.slice(2));
  }
  const warnings = lines.flatMap((l) => {
    const m = LOG_LINE.exec(l);
    return m?.[1] === '#' ? [m[2] ?? ''] : [];
  });
  if (warnings.length > 0) return bounded(warnings.slice(-WARNING_LINES));
  return bounded(lines.map((l) => LOG_LINE.exec(l)?.[2] ?? l).slice(-WARNING_LINES));
}

/** The kubelet's cut (bytes; as characters here, which only errs towards keeping a line). */
const KUBELET_TAIL_BYTES = 2048;

/**
 * The lines of `log` that are whole: in a text as long as the kubelet's cut, the first line is dropped when it does
 * not look like the start of a line the engine writes (the tail was cut in the middle of it).
 */
function completeLines(log: string): string[] {
  const mayBeCut = log.length >= KUBELET_TAIL_BYTES;
  const lines = log
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  const first = lines[0];
  if (mayBeCut && lines.length > 1 && first !== undefined && !LOG_LINE.test(first) && !FATAL.test(first))
    return lines.slice(1);
  return lines;
}

/** Whole lines joined with " / " within EXCERPT_MAX_CHARS: later lines are dropped, a lone long line is cut with "…". */
function bounded(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) {
    const next = out === '' ? line : `${out} / ${line}`;
    if (next.length > EXCERPT_MAX_CHARS) break;
    out = next;
  }
  if (out === '' && lines[0] !== undefined) out = `${lines[0].slice(0, EXCERPT_MAX_CHARS - 1)}…`;
  return out;
}
