/**
 * Validation of user-supplied config (a configSecret's conf, an applyConfig value, the kept inline config).
 * Reports every problem at once so the user fixes the config in one round trip, each as
 * `<source> line <n>: <directive>: <reason>`.
 */
import { InvalidConfigError } from '../errors.ts';
import {
  engineSpelling,
  hasFlag,
  isSecretDirective,
  lookupAnyFlag,
  lookupFlag,
  resolveTable,
  tableKnowsSpelling,
  type Distribution,
  type EngineTable,
} from './flags.ts';
import { lineAndReason, quoteArg, type ConfigDirective } from './parse.ts';
import { HIDDEN_REASON, policyProblem } from './policy.ts';
import { checkValue } from './value-check.ts';

/** What a validation judges against: the database's line (versions.ts), else the distribution's default line. */
interface ValidationContext {
  distribution: Distribution;
  table?: EngineTable;
}

const tableOfCtx = (ctx: ValidationContext): EngineTable => ctx.table ?? resolveTable(ctx.distribution);

// C0 controls, DEL and C1 controls. After unquoting, "\n" inside an argument would start a new directive if the value
// were ever written unquoted (or passed through CONFIG SET and CONFIG REWRITE); NUL truncates the server's strlen().
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * config.c rename-command: the source is looked up in the command table as it stands (earlier renames applied) —
 * "No such command in rename-command" — and it is removed; a non-empty target is added, refused with "Target
 * command name already exists" when taken. `commands` is that table, updated in file order.
 */
function checkRenameCommand(args: string[], commands: Set<string>, label: string): string | undefined {
  if (args.length !== 2) return 'expects exactly 2 arguments: <command> <new-name or "">';
  const [from = '', to = ''] = args;
  if (!COMMAND_NAME.test(from)) return `${JSON.stringify(from)} is not a command name`;
  if (to !== '' && !COMMAND_NAME.test(to))
    return `new name ${JSON.stringify(to)} must be letters, digits, '_' or '-', or "" to disable`;
  const source = from.toLowerCase();
  const target = to.toLowerCase();
  if (!commands.has(source)) return `${from.toUpperCase()} is not a command of ${label} (or was already renamed)`;
  if (target !== '' && commands.has(target))
    return `target name ${JSON.stringify(to)} is already a command of ${label}`;
  commands.delete(source);
  if (target !== '') commands.add(target);
  return undefined;
}

/** The unknown / other-spelling / deprecated / hidden problems of a directive against the line, else undefined. */
function tableProblem(d: ConfigDirective, table: EngineTable): string | undefined {
  const flag = lookupFlag(d.name, table);
  if (!flag) return `unknown directive (not a ${table.label} configuration directive)`;
  const spelled = d.spelled ?? d.name;
  if (!tableKnowsSpelling(table, spelled))
    return `${JSON.stringify(spelled)} is not a ${table.label} directive name; ${table.label} calls it ${engineSpelling(d.name, table) ?? flag.name}`;
  if (flag.rawDefault.startsWith('(deprecated')) return `is deprecated and ignored by ${table.label}; remove it`;
  if (hasFlag(flag, 'HIDDEN_CONFIG')) return HIDDEN_REASON;
  return undefined;
}

/** Problems of one directive, in the order a user would fix them (syntax, policy, type). */
function directiveProblems(d: ConfigDirective, table: EngineTable, commands: Set<string>): string[] {
  const bad = [d.name, ...d.args].findIndex((a) => CONTROL.test(a));
  if (bad >= 0) {
    const what = bad === 0 ? 'the directive name' : `argument ${bad}`;
    return [`${what} contains a control character (newline, NUL, ...) that could smuggle another directive`];
  }
  const policy = policyProblem(d);
  if (policy) return [policy];
  if (d.name === 'rename-command') {
    const p = checkRenameCommand(d.args, commands, table.label);
    return p ? [p] : [];
  }
  if (d.name.includes('.')) return ['looks like a module configuration, but loading modules is not allowed'];
  const problem = tableProblem(d, table);
  if (problem) return [problem];
  const flag = lookupFlag(d.name, table);
  const typeProblem = flag ? checkValue(flag, d.args, table.label) : undefined;
  return typeProblem ? [typeProblem] : [];
}

/** Every problem of the directives, formatted; empty when valid. Messages name the line judged against. */
export function configProblems(directives: ConfigDirective[], ctx: ValidationContext): string[] {
  const table = tableOfCtx(ctx);
  const commands = new Set(table.commands);
  // The line's command table as rename-command lines change it, in order (per piece: each piece is checked alone).
  return directives.flatMap((d) =>
    directiveProblems(d, table, commands).map((p) => `${d.source} line ${d.line}: "${shownDirective(d)}": ${p}`),
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
export function validateUserConfig(directives: ConfigDirective[], ctx: ValidationContext): void {
  const problems = configProblems(directives, ctx);
  if (problems.length > 0) throw new InvalidConfigError(formatProblems(problems), lineAndReason(problems[0]));
}

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function formatProblems(problems: string[]): string {
  if (problems.length === 1) return `invalid configuration: ${problems[0] ?? ''}`;
  return `invalid configuration (${problems.length} problems):\n${problems.map((p) => `- ${p}`).join('\n')}`;
}
