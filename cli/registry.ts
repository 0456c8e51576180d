/**
 * The commands, one file each under cli/commands/. A new command is a file exporting a Command and one line here.
 */
import type { Command } from './command.ts';
import { planCommand } from './commands/plan.ts';
import { driftCommand } from './commands/drift.ts';
import { redriveCommand } from './commands/redrive.ts';
import { statusCommand } from './commands/status.ts';
import { unpauseCommand } from './commands/unpause.ts';

export const COMMANDS: readonly Command[] = [statusCommand, unpauseCommand, redriveCommand, planCommand, driftCommand];
