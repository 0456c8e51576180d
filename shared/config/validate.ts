/**
 * Validation of user-supplied config (a configSecret's conf, an applyConfig value, the kept inline config).
 * Reports every problem at once so the user fixes the config in one round trip, each as
 * `<source> line <n>: <directive>: <reason>`.
 */
import { InvalidConfigError } from '../errors.ts';
import { hasFlag, isSecretDirective, lookupAnyFlag, lookupFlag, type Distribution } from './flags.ts';
import { quoteArg, type ConfigDirective } from './parse.ts';
import { HIDDEN_REASON, policyProblem } from './policy.ts';
import { checkValue } from './value-check.ts';

/** config.c deprecated_configs: accepted and ignored by redis-server 7, so a user setting them gets nothing. */
const DEPRECATED_IGNORED = new Set(['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']);

// C0 controls, DEL and C1 controls. After unquoting, "\n" inside an argument would start a new directive if the value
// were ever written unquoted (or passed through CONFIG SET and CONFIG REWRITE); NUL truncates the server's strlen().
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function checkRenameCommand(args: string[]): string | undefined {
  if (args.length !== 2) return 'expects exactly 2 arguments: <command> <new-name or "">';
  const [from = '', to = ''] = args;
  if (!COMMAND_NAME.test(from)) return `${JSON.stringify(from)} is not a command name`;
  if (to !== '' && !COMMAND_NAME.test(to))
    return `new name ${JSON.stringify(to)} must be letters, digits, '_' or '-', or "" to disable`;
  return undefined;
}

/** Problems of one directive, in the order a user would fix them (syntax, policy, type). */
function directiveProblems(d: ConfigDirective, distribution: Distribution): string[] {
  const bad = [d.name, ...d.args].findIndex((a) => CONTROL.test(a));
  if (bad >= 0) {
    const what = bad === 0 ? 'the directive name' : `argument ${bad}`;
    return [`${what} contains a control character (newline, NUL, ...) that could smuggle another directive`];
  }
  const policy = policyProblem(d);
  if (policy) return [policy];
  if (d.name === 'rename-command') {
    const p = checkRenameCommand(d.args);
    return p ? [p] : [];
  }
  if (DEPRECATED_IGNORED.has(d.name)) return ['is deprecated and ignored by redis-server 7; remove it'];
  if (d.name.includes('.')) return ['looks like a module configuration, but loading modules is not allowed'];
  const flag = lookupFlag(d.name, distribution);
  if (!flag) {
    const where = distribution === 'Valkey' ? 'Redis 7.2 / Valkey 8' : 'Redis 7.2';
    return [`unknown directive (not a ${where} configuration directive)`];
  }
  if (hasFlag(flag, 'HIDDEN_CONFIG')) return [HIDDEN_REASON];
  const typeProblem = checkValue(flag, d.args, distribution);
  return typeProblem ? [typeProblem] : [];
}

/** Every problem of the directives, formatted; empty when valid. */
export function configProblems(directives: ConfigDirective[], ctx: { distribution: Distribution }): string[] {
  return directives.flatMap((d) =>
    directiveProblems(d, ctx.distribution).map((p) => `${d.source} line ${d.line}: "${shownDirective(d)}": ${p}`),
  );
}

/**
 * The directive as the user reads it in the Failed condition. Problem messages travel to the ops request status, SQS
 * messages, CloudEvents and logs, so arguments are shown only where they cannot be a secret: a known directive
 * (the flags table, or rename-command) that is not secret-bearing. Secrets show as `***`; an unknown directive
 * (a typo of requirepass, a module's config) shows its name only. Arguments are quoted and escaped, so a control
 * character is visible, never acted on.
 */
function shownDirective(d: ConfigDirective): string {
  const name = truncate(quoteArg(d.name), 64);
  if (d.args.length === 0) return name;
  if (isSecretDirective(d.name)) return `${name} ***`;
  if (lookupAnyFlag(d.name) === undefined && d.name !== 'rename-command') return name;
  return truncate([name, ...d.args.map(quoteArg)].join(' '), 120);
}

/** Throws one InvalidConfigError listing every problem. */
export function validateUserConfig(directives: ConfigDirective[], ctx: { distribution: Distribution }): void {
  const problems = configProblems(directives, ctx);
  if (problems.length > 0) throw new InvalidConfigError(formatProblems(problems));
}

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function formatProblems(problems: string[]): string {
  if (problems.length === 1) return `invalid configuration: ${problems[0] ?? ''}`;
  return `invalid configuration (${problems.length} problems):\n${problems.map((p) => `- ${p}`).join('\n')}`;
}
