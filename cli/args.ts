/**
 * Command-line parsing, kubectl style: global flags (`--kubeconfig`, `--context`, `-n`, `-A`, `-o`) may stand before
 * or after the command, each command adds its own, and a bad command line names the flag and exits 2 before anything
 * else happens (no cluster or AWS call, no build).
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** A command line that cannot run; the message names the flag or argument. Exit code 2, as kubectl's usage errors. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const GLOBAL_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

export const GLOBAL_USAGE = `Global flags:
  --kubeconfig <file>    kubeconfig to use (default: $KUBECONFIG, else ~/.kube/config)
  --context <name>       kubeconfig context (default: its current-context)
  -n, --namespace <ns>   namespace (default: the context's namespace, else "default")
  -A, --all-namespaces   every namespace
  -o, --output <format>  wide | json | yaml (default: a table)
  -h, --help             this help`;

export interface GlobalFlags {
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string | undefined;
  allNamespaces: boolean;
  output: OutputFormat;
  help: boolean;
}

interface ParsedCommandLine {
  command: string | undefined;
  globals: GlobalFlags;
  /** The command's own flags, as node:util parseArgs gives them. */
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Value-taking flags, so that the command name is not mistaken for a flag's value (`-n demo status`). */
function takesValue(arg: string, options: ParseArgsOptionsConfig): boolean {
  if (arg.includes('=')) return false;
  for (const [name, spec] of Object.entries(options)) {
    if (spec.type !== 'string') continue;
    if (arg === `--${name}` || (spec.short !== undefined && arg === `-${spec.short}`)) return true;
  }
  return false;
}

/** The first argument that is neither a flag nor a flag's value. */
export function findCommand(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return args[i + 1];
    if (!arg.startsWith('-')) return arg;
    if (takesValue(arg, GLOBAL_OPTIONS)) i++;
  }
  return undefined;
}

/**
 * Parses the whole line against the global flags plus the command's own. The command name is removed from the
 * positionals. node:util's messages already name the flag ("Unknown option '--x'", "Option '-n, --namespace
 * <value>' argument missing"); they are kept as they are.
 */
export function parseCommandLine(
  args: readonly string[],
  command: string | undefined,
  commandOptions: ParseArgsOptionsConfig = {},
): ParsedCommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...commandOptions, ...GLOBAL_OPTIONS },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  const positionals = [...parsed.positionals];
  if (command !== undefined) positionals.splice(positionals.indexOf(command), 1);
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const output = v['output'] ?? 'table';
  if (typeof output !== 'string' || !(OUTPUT_FORMATS as readonly string[]).includes(output))
    throw new UsageError(`-o/--output ${String(output)}: expected one of wide, json, yaml`);
  if (v['namespace'] !== undefined && v['all-namespaces'] === true)
    throw new UsageError('-n/--namespace and -A/--all-namespaces: give one of them, not both');
  return {
    command,
    globals: {
      kubeconfig: v['kubeconfig'] as string | undefined,
      context: v['context'] as string | undefined,
      namespace: v['namespace'] as string | undefined,
      allNamespaces: v['all-namespaces'] === true,
      output: output as OutputFormat,
      help: v['help'] === true,
    },
    values: v,
    positionals,
  };
}

/** A flag's value as a whole number within bounds, or a UsageError naming the flag. */
export function wholeNumber(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new UsageError(`--${flag} ${text}: expected a whole number from ${min} to ${max}`);
  return Number(text);
}
