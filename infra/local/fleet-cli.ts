/** `npm run local -- --clusters <n>`: a local fleet kept up until Ctrl-C (docs/fleet.md), state in .local/fleet/. */
import { stopOnSignals } from './shutdown.ts';
import { join, relative } from 'node:path';
import { startLocalFleet, type LocalFleet } from './fleet-stack.ts';
import { PROJECT_ROOT } from './serverless-config.ts';

export const FLEET_STATE_DIR = join(PROJECT_ROOT, '.local', 'fleet');

export async function runLocalFleet(opts: { clusters: number; fresh: boolean; verbose: boolean }): Promise<void> {
  const fleet = await startLocalFleet({ stateDir: FLEET_STATE_DIR, ...opts });
  printFleet(fleet);
  stopOnSignals('the local fleet', () => fleet.stop());
}

function printFleet(fleet: LocalFleet): void {
  const rel = (p: string): string => relative(process.cwd(), p) || p;
  const rows = fleet.clusters.map(
    (c) =>
      `  ${c.id.padEnd(4)} ${c.api.url.padEnd(26)} ${rel(c.kubeconfigPath).padEnd(28)} ${JSON.stringify(c.labels)}`,
  );
  console.log(`Local fleet is up: ${fleet.clusters.length} clusters, one SQS (${fleet.sqs.endpoint}), one Lambda runner.
  id   API server                 kubeconfig                   labels (${rel(fleet.clustersDir)}/<id>.labels.json)
${rows.join('\n')}
  ${fleet.hub.id} is the hub: FleetRollouts live there.

Try it:
  for c in ${fleet.clusters.map((c) => c.id).join(' ')}; do
    KUBECONFIG=${rel(join(FLEET_STATE_DIR, '$c', 'kubeconfig'))} kubectl apply -f examples/reconfigure/00-namespace.yaml \\
      -f examples/reconfigure/01-rd-custom-config.yaml -f examples/reconfigure/02-sample-redis.yaml
  done
  export KUBECONFIG=${rel(fleet.hub.kubeconfigPath)}
  kubectl apply -f examples/fleet/00-namespace.yaml -f examples/fleet/10-raise-maxclients.yaml
  kubectl get frl -n fleet -w
  kubectl apply -f examples/fleet/11-bad-value.yaml   # stops at its canary

Ctrl-C stops everything (every redis-server included).`);
}
