/**
 * How a long-running local command (the stack, the fleet) ends: Ctrl-C or SIGTERM stops what it started, in reverse
 * order, once, and exits 0 (1 when stopping failed). One home for `npm run local` with one cluster or a fleet.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export function stopOnSignals(what: string, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\nStopping ${what}...`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Stop functions collected while starting, run last-first; and the state directory's logs/ and clusters/. */
export async function startingIn(stateDir: string): Promise<{
  logDir: string;
  clustersDir: string;
  stops: Array<() => Promise<void>>;
  stopAll: () => Promise<void>;
}> {
  const logDir = join(stateDir, 'logs');
  const clustersDir = join(stateDir, 'clusters');
  await mkdir(logDir, { recursive: true });
  await mkdir(clustersDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop();
  };
  return { logDir, clustersDir, stops, stopAll };
}
