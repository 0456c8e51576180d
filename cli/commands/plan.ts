/** `plan -f <ops-request.yaml>`: its flags and help; the work (and the Kubernetes client) is loaded only when it runs. */
import { UsageError } from '../args.ts';
import type { Command } from '../command.ts';

export const planCommand: Command = {
  name: 'plan',
  summary: 'what a Reconfigure ops request would do (diff, live or rolling, pod order), changing nothing',
  usage: `usage: redis-reconfigure plan -f <ops-request.yaml> [-n <namespace>] [-o json|yaml]

Reads the cluster — the Redis, its RedisVersion, the current configuration, the pods and their roles — and prints
what the functions would do for the RedisOpsRequest in the file, without creating it or changing anything: the
effective configuration diff, for each changed directive whether the database's engine line can CONFIG SET it or
only a restart applies it, the path (live or rolling) and why, the pods in order with the failovers, and what would
stay pending for restart "false". Exits 1 with the reason and message the ops request would end Failed with.

  -f, --filename <file>   the RedisOpsRequest manifest (spec.type: Reconfigure)`,
  options: { filename: { type: 'string', short: 'f' } },
  prepare(input) {
    const { values, positionals, globals } = input;
    if (typeof values['filename'] !== 'string' || values['filename'] === '')
      throw new UsageError('plan: -f/--filename <ops-request.yaml> is required');
    if (positionals.length > 0) throw new UsageError(`plan: unexpected argument ${positionals.join(' ')}`);
    if (globals.allNamespaces) throw new UsageError('-A/--all-namespaces: plan reads one ops request; give -n or none');
    if (globals.output === 'wide') throw new UsageError('-o/--output wide: plan prints a table, json or yaml');
    return async () => (await import('./plan-run.ts')).runPlan(input);
  },
};
