/** `unpause <redis>`: its flags and help; the work (and the Kubernetes client) is loaded only when it runs. */
import { UsageError } from '../args.ts';
import type { Command } from '../command.ts';

export const unpauseCommand: Command = {
  name: 'unpause',
  summary: 'remove a Redis’s Paused condition, unless an ops request of it is Progressing',
  usage: `usage: redis-reconfigure unpause <redis> [-n <namespace>] [--force]

Removes the Paused condition from the Redis's status (the lock an ops request holds while it runs), so that the
provisioner takes the database back. Refuses, naming it, while an ops request of that database is Progressing: it
will resume the database itself. The write is conditional on the resourceVersion read (a 409 re-reads and
re-checks), and an Event is recorded on the Redis.

  --force   remove it even while an ops request is Progressing (a loud warning is printed)`,
  options: { force: { type: 'boolean' } },
  prepare(input) {
    const { positionals, globals } = input;
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0
          ? 'unpause: the Redis name is required'
          : `unpause: one Redis name, got ${positionals.join(' ')}`,
      );
    if (globals.allNamespaces)
      throw new UsageError('-A/--all-namespaces: unpause acts on one Redis; give -n <namespace>');
    return async () => (await import('./unpause-run.ts')).runUnpause(input);
  },
};
