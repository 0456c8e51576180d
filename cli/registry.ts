/**
 * The commands, one file each under cli/commands/. A new command (e.g. `plan`, fed by the planning API) is a file
 * exporting a Command and one line here.
 */
import type { Command } from './command.ts';
import { driftCommand } from './commands/drift.ts';
import { redriveCommand } from './commands/redrive.ts';
import { statusCommand } from './commands/status.ts';
import { unpauseCommand } from './commands/unpause.ts';

export const COMMANDS: readonly Command[] = [statusCommand, unpauseCommand, redriveCommand, driftCommand];
