/** What a command is: one file per command under cli/commands/, listed in cli/registry.ts. */
import type { ParseArgsOptionsConfig } from 'node:util';
import type { GlobalFlags } from './args.ts';

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Environment the command reads (KUBECONFIG, HOME, AWS_*): injected so tests control it. */
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

export interface CommandInput {
  globals: GlobalFlags;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  io: CommandIo;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The command's usage and own flags (global flags are appended by the help printer). */
  usage: string;
  options: ParseArgsOptionsConfig;
  /**
   * Checks the arguments (throwing UsageError) and returns the work to do, so that every argument error is reported
   * before any cluster or AWS call. The work resolves to the exit code.
   */
  prepare(input: CommandInput): () => Promise<number>;
}
