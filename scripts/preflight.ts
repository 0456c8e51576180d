/**
 * What `npm start` and `npm run local` need before the stack can start: a redis-server on PATH and the built bundles
 * the Lambda runner invokes. Run by those scripts only after their command line was parsed, so `--help` and a bad
 * switch answer at once instead of after a build.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';

export class PreflightError extends Error {
  override name = 'PreflightError';
}

function step(what: string, command: string, args: string[]): void {
  // Inherited stdio: the build's size table and the redis-server installer's messages are the user's to see.
  const result = spawnSync(command, args, { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (result.error !== undefined) throw new PreflightError(`${what}: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0)
    throw new PreflightError(`${what} failed (${result.status ?? `signal ${result.signal ?? '?'}`})`);
}

export function preflight(): void {
  step('ensuring redis-server', 'bash', [join(PROJECT_ROOT, 'scripts/ensure-redis-server.sh')]);
  // The same Node that runs this script (the project's Node 24) runs the build, as `npm run build` would.
  step('building the bundles', process.execPath, [join(PROJECT_ROOT, 'scripts/build.ts')]);
}
