/**
 * `npm start`: the main job on the embedded default. Brings up the whole local stack, creates KubeDB's documented
 * sample (a Redis whose config secret says maxclients 500), then applies the documented ops requests in turn —
 * configSecret (2000), applyConfig (3000), removeCustomConfig (back to the default 10000) — showing live progress
 * and the value `CONFIG GET maxclients` reads from the pod after each; then a live apply (maxmemory-policy, no pod
 * restarted), previewed first with `redis-reconfigure plan -f`. Exits 0 when all of them are Successful.
 */
import { parseArgs } from 'node:util';
import { preflight, PreflightError } from './preflight.ts';

const USAGE = `usage: npm start [-- --cluster | --sentinel | --all | --fleet]
  (default)   Standalone: KubeDB's sample Redis, the three documented flows, and a live apply (plan first)
  --cluster   also KubeDB's Redis Cluster example (3 shards × 2): its documented reconfigure, then a live apply on 6 pods
  --sentinel  also KubeDB's Sentinel example (3 sentinels, 3 Redis pods): its reconfigure, then a live apply
  --all       all of the above
  --fleet     a fleet rollout over 3 local clusters: a canary that succeeds, then a wave (docs/fleet.md)`;

function parseOptions(): { cluster: boolean; sentinel: boolean; fleet: boolean } | number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        cluster: { type: 'boolean' },
        sentinel: { type: 'boolean' },
        all: { type: 'boolean' },
        fleet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  return {
    cluster: values.cluster === true || values.all === true,
    sentinel: values.sentinel === true || values.all === true,
    fleet: values.fleet === true,
  };
}

async function main(): Promise<number> {
  const options = parseOptions();
  if (typeof options === 'number') return options;
  try {
    preflight();
  } catch (err) {
    if (!(err instanceof PreflightError)) throw err;
    console.error(`npm start: ${err.message}`); // the step's own output above says why
    return 1;
  }
  // Loaded only now: --help and a bad switch answer before the build and without loading the stack.
  if (options.fleet) {
    const { runFleetDemo } = await import('./start-fleet-demo.ts');
    return runFleetDemo();
  }
  const { runDemo } = await import('./start-demo.ts');
  return runDemo(options);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
