/** `status`: its flags and help; the work (and the Kubernetes client) is loaded only when it runs. */
import type { Command } from '../command.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: 'ops requests in flight, what each waits for, and databases left Paused',
  usage: `usage: redis-reconfigure status [--all-contexts] [-n <namespace> | -A] [-o wide|json|yaml]

Lists every RedisOpsRequest not yet Successful, Failed or Skipped, with the step the functions will run next and
what it waits for (derived from its conditions and redis-reconfigure.io/* annotations, as the functions derive it),
and the age of its last condition transition; then every Redis still Paused by an ops request that is gone or ended.

  --all-contexts   every context of the kubeconfig (one cluster each), not only the current one`,
  options: { 'all-contexts': { type: 'boolean' } },
  prepare: (input) => async () => (await import('./status-run.ts')).runStatus(input),
};
