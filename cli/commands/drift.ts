/** `drift [<redis>]`: its flags and help; the work (Kubernetes and Redis clients) is loaded only when it runs. */
import { UsageError } from '../args.ts';
import type { Command } from '../command.ts';

export const driftCommand: Command = {
  name: 'drift',
  summary: 'compare each Redis’s declared config with CONFIG GET on every pod, now',
  usage: `usage: redis-reconfigure drift [<redis>] [-n <namespace> | -A] [-o wide|json|yaml]

Runs the drift check the scheduled drift function runs: for each Redis (or the one named), the declared config
(its operator-managed secret's default.conf, what every pod reads at start) against CONFIG GET on every Ready pod,
both normalised as the engine prints values. The result is written to the Redis's ConfigDrift condition (True
naming each directive and pod, False when none differs), with an Event when it changes; nothing is changed on the
pods. A Redis under reconfiguration (Paused, or an ops request Progressing) is skipped.

It connects to each pod's IP on 6379, as the functions do: run it where the pod network is reachable (the local
stack, a node, a VPN into the cluster's network). Exit status: 0 no drift, 1 an error, 3 drift found.`,
  options: {},
  prepare(input) {
    if (input.positionals.length > 1)
      throw new UsageError(`drift: at most one Redis name, got ${input.positionals.join(' ')}`);
    if (input.positionals.length === 1 && input.globals.allNamespaces)
      throw new UsageError('-A/--all-namespaces: a named Redis is in one namespace; give -n <namespace>');
    return async () => (await import('./drift-run.ts')).runDrift(input);
  },
};
