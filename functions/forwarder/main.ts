/**
 * The forwarder's entrypoint (bundled to dist/forwarder/index.mjs, run with Node 24 in the cluster): one per
 * cluster (more replicas wait on the Lease), watching RedisOpsRequests and announcing them on the SQS halt queue.
 *
 * SIGTERM/SIGINT drain gracefully — stop watching, flush pending sends, release the Lease, close the health
 * server — and exit 0, within the Pod's terminationGracePeriodSeconds.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MisconfigurationError } from '../../shared/errors.ts';
import { configFromEnv } from './config.ts';
import { forwarderLogger, startForwarder } from './forwarder.ts';
import { fleetAnnouncerFromEnv } from './fleet-announcer.ts';

export { startForwarder, type Forwarder, type ForwarderDeps } from './forwarder.ts';
export { configFromEnv, type ForwarderConfig } from './config.ts';
export type { Counters } from './metrics.ts';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config;
  try {
    config = configFromEnv(env);
  } catch (err) {
    if (!(err instanceof MisconfigurationError)) throw err;
    process.stderr.write(`${JSON.stringify({ level: 'error', component: 'forwarder', msg: err.message })}\n`);
    process.exitCode = 2;
    return;
  }
  const log = forwarderLogger(config.clusterId, config.logLevel);
  const forwarder = startForwarder(config, {
    logger: log,
    // A handler error is a bug: exit non-zero so the Deployment restarts the Pod and the logs show why.
    onFatal: (err) => {
      log.error('fatal: event handler failed', { err });
      shutdown('fatal', 1);
    },
  });
  // The hub of a fleet also announces FleetRollouts (ROLLOUT_QUEUE_URL set; docs/fleet.md).
  const fleet = fleetAnnouncerFromEnv(env, config, log);
  let shuttingDown = false;
  const shutdown = (reason: string, exitCode: number): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info('shutting down', { reason });
    Promise.all([fleet?.stop(), forwarder.stop()]).then(
      () => process.exit(exitCode),
      (err: unknown) => {
        log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM', 0));
  process.once('SIGINT', () => shutdown('SIGINT', 0));
  await forwarder.ready;
  log.info('ready', { leader: forwarder.isLeader() });
}

function isEntrypoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    // argv[1] is not a file (e.g. `node -e`): this module was imported, not run.
    return false;
  }
}

if (isEntrypoint()) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'error', component: 'forwarder', msg: 'startup failed', error: String(err) })}\n`,
    );
    process.exit(1);
  });
}
