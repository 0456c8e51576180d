/**
 * Redis config file syntax, exactly as redis-server reads it (src/config.c loadServerConfigFromString + src/sds.c
 * sdssplitargs): the text is split on "\n", each line trimmed of " \t\r\n", lines starting with '#' and blank lines
 * skipped, then split into arguments. Getting this identical to the server matters: a config we accept and the
 * server refuses makes the pod crash-loop after the restart.
 */
import { InvalidConfigError } from '../errors.ts';
import { canonicalDirectiveName } from './flags.ts';

export interface ConfigDirective {
  /** Canonical (Redis 7.2) name: merging and diffing key on it. */
  name: string;
  /** The lower-cased spelling the user wrote, when it is another spelling of `name` (kept for rendering). */
  spelled?: string;
  args: string[];
  line: number;
  source: string;
}

/**
 * Internal to this module: thrown by the splitter and always caught by parseRedisConfCollecting / trySplitArgs, which
 * turn it into a `<source> line <n>: <reason>` problem of an InvalidConfigError. It never escapes.
 */
class SplitError extends Error {
  override name = 'SplitError';
}

// C isspace(): ' ', \t, \n, \v, \f, \r
const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** An escape at `p` (a backslash) inside quotes: [its text, its length], or undefined when it escapes nothing. */
type EscapeReader = (line: string, p: number) => [string, number] | undefined;

/** Inside "...": \xHH, \n \r \t \b \a, and a backslash before any other character stands for that character. */
const doubleQuotedEscape: EscapeReader = (line, p) => {
  if (line[p + 1] === 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
    const code = parseInt(line.slice(p + 2, p + 4), 16);
    // sdssplitargs yields a raw byte; above 0x7f that byte is not a character of this (UTF-8) text.
    if (code > 0x7f)
      throw new SplitError(
        `\\x${line.slice(p + 2, p + 4)} escapes above \\x7f are not supported; write the UTF-8 text itself`,
      );
    return [String.fromCharCode(code), 4];
  }
  const e = line[p + 1];
  return e === undefined ? undefined : [SIMPLE_ESCAPES[e] ?? e, 2];
};

/** Inside '...': only \' is an escape; any other backslash is itself. */
const singleQuotedEscape: EscapeReader = (line, p) => (line[p + 1] === "'" ? ["'", 2] : undefined);

/** Reads one quoted argument starting after the opening quote; returns [text, index after the closing quote]. */
function readQuoted(line: string, start: number, quote: '"' | "'"): [string, number] {
  const escape = quote === '"' ? doubleQuotedEscape : singleQuotedEscape;
  let out = '';
  let p = start;
  for (;;) {
    const c = line[p];
    if (c === undefined) throw new SplitError(`unbalanced quotes (unterminated ${quote}...${quote})`);
    const escaped = c === '\\' ? escape(line, p) : undefined;
    if (escaped !== undefined) {
      out += escaped[0];
      p += escaped[1];
    } else if (c === quote) {
      // "closing quote must be followed by a space or nothing at all" (sds.c)
      if (line[p + 1] !== undefined && !isSpace(line[p + 1]))
        throw new SplitError('closing quote must be followed by a space');
      return [out, p + 1];
    } else {
      out += c;
      p += 1;
    }
  }
}

/** Port of sdssplitargs. A quote may open mid-token (`a"b c"` is one argument `ab c`), as in the C code. */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  let p = 0;
  for (;;) {
    while (isSpace(line[p])) p++;
    if (p >= line.length) return args;
    let current = '';
    for (;;) {
      const c = line[p];
      // Inside a bare token sds.c ends only on ' ', \n, \r, \t (not \v, \f), unlike the isspace() used elsewhere.
      if (c === undefined || ' \n\r\t'.includes(c)) break;
      if (c === '"' || c === "'") {
        const [text, next] = readQuoted(line, p + 1, c);
        current += text;
        p = next;
        break;
      }
      current += c;
      p++;
    }
    args.push(current);
  }
}

/** splitArgs, or undefined where redis-server could not split the text (unbalanced quotes). */
export function trySplitArgs(text: string): string[] | undefined {
  try {
    return splitArgs(text);
  } catch (err) {
    if (err instanceof SplitError) return undefined;
    throw err;
  }
}

/** Parses and collects every syntax problem instead of throwing (so callers can report them with other problems). */
export function parseRedisConfCollecting(
  text: string,
  source: string,
): { directives: ConfigDirective[]; problems: string[] } {
  const directives: ConfigDirective[] = [];
  const problems: string[] = [];
  // redis-server reads the file with strlen(): everything after a NUL byte would be silently ignored.
  const nul = text.indexOf('\0');
  if (nul >= 0)
    return {
      directives,
      problems: [`${source} line ${text.slice(0, nul).split('\n').length}: NUL byte in configuration text`],
    };
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (trimmed === '' || trimmed.startsWith('#')) return;
    try {
      const [name, ...args] = splitArgs(trimmed);
      if (name === undefined) return;
      const canonical = canonicalDirectiveName(name);
      const lower = name.toLowerCase();
      const d: ConfigDirective = { name: canonical, args, line: i + 1, source };
      if (lower !== canonical) d.spelled = lower;
      directives.push(d);
    } catch (err) {
      if (!(err instanceof SplitError)) throw err;
      problems.push(`${source} line ${i + 1}: ${err.message}`);
    }
  });
  return { directives, problems };
}

/** The first problem's line and reason (`<source> line <n>: <reason>`), for InvalidConfigError. */
export function lineAndReason(problem: string | undefined): { line?: number; reason?: string } {
  const m = / line (\d+): (.*)$/s.exec(problem ?? '');
  return m ? { line: Number(m[1]), reason: m[2] ?? '' } : { reason: problem ?? '' };
}

/**
 * Parses config text into directives (names lower-cased, aliases resolved). Throws one InvalidConfigError naming
 * `<source> line <n>: <reason>` for every line that redis-server could not split.
 */
export function parseRedisConf(text: string, source: string): ConfigDirective[] {
  const { directives, problems } = parseRedisConfCollecting(text, source);
  if (problems.length > 0) throw new InvalidConfigError(problems.join('\n'), lineAndReason(problems[0]));
  return directives;
}

const SAFE_BARE = /^[A-Za-z0-9_.,:/@%+=*?![\]{}()$^~|<>&;-]+$/;
const SAFE_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

/** Quotes an argument when needed so that splitArgs(quoteArg(x)) returns exactly [x]. */
export function quoteArg(arg: string): string {
  if (SAFE_BARE.test(arg)) return arg;
  let out = '"';
  for (const ch of arg) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\x07') out += '\\a';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * One directive per line. Every argument goes through quoteArg, so no argument can end the line or start another
 * directive; a directive name outside [a-z0-9_.-] is refused rather than rendered.
 */
export function renderConfig(directives: ConfigDirective[]): string {
  return directives
    .map((d) => {
      const name = d.spelled ?? d.name;
      if (!SAFE_NAME.test(name))
        throw new InvalidConfigError(
          `${d.source} line ${d.line}: refusing to render directive name ${JSON.stringify(name)}`,
          { line: d.line, reason: `directive name ${JSON.stringify(name)} is not [a-z0-9_.-]` },
        );
      return [name, ...d.args.map(quoteArg)].join(' ');
    })
    .map((l) => `${l}\n`)
    .join('');
}
