/**
 * `redis-reconfigure <command> [flags]`: the runbook tools. `run` is the whole CLI minus the process (tests call it):
 * usage errors → exit 2 before any cluster or AWS call, failures → exit 1 with `error: …` on stderr.
 */
import { findCommand, GLOBAL_USAGE, parseCommandLine, UsageError } from './args.ts';
import type { CommandIo } from './command.ts';
import { COMMANDS } from './registry.ts';

const topUsage = (): string => `redis-reconfigure: runbook tools for the RedisOpsRequest Reconfigure functions.

usage: redis-reconfigure <command> [flags]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

${GLOBAL_USAGE}

"redis-reconfigure <command> --help" shows a command's own flags. Walk-throughs: docs/operations.md.`;

export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const name = findCommand(argv);
  const command = COMMANDS.find((c) => c.name === name);
  let work: () => Promise<number>;
  try {
    if (name !== undefined && command === undefined)
      throw new UsageError(`unknown command "${name}" (one of: ${COMMANDS.map((c) => c.name).join(', ')})`);
    const parsed = parseCommandLine(argv, name, command?.options);
    if (command === undefined || parsed.globals.help) {
      io.out(command === undefined ? topUsage() : `${command.usage}\n\n${GLOBAL_USAGE}`);
      return 0;
    }
    work = command.prepare({ globals: parsed.globals, values: parsed.values, positionals: parsed.positionals, io });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`error: ${err.message}`);
    io.err(`See 'redis-reconfigure ${command?.name ?? ''}${command === undefined ? '' : ' '}--help'.`);
    return 2;
  }
  try {
    return await work();
  } catch (err) {
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    // Some argument errors can only be seen once the kubeconfig or serverless.yml is read (an unknown --context).
    return err instanceof UsageError ? 2 : 1;
  }
}

export const processIo = (): CommandIo => ({
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  now: () => new Date(),
});
