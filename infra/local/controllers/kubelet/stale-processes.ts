/**
 * A kubelet that crashed may have left redis-server processes behind (they do not die with their parent).
 * On start we adopt nothing: every pid file under <stateDir>/pods/ whose process still runs a command line that
 * points into this stateDir is killed, then pods that exist in the API are started afresh.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../runtime/log.ts';

async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => join(dir, d.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function commandLine(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    return undefined; // no such process (or not Linux): nothing to kill
  }
}

export async function killStaleProcesses(stateDir: string, log: Logger): Promise<number> {
  let killed = 0;
  for (const nsDir of await listDirs(join(stateDir, 'pods'))) {
    for (const podDir of await listDirs(nsDir)) {
      const pidFile = join(podDir, 'redis.pid');
      let pid: number;
      try {
        pid = Number(await readFile(pidFile, 'utf8'));
      } catch {
        continue;
      }
      const cmd = await commandLine(pid);
      if (cmd?.includes(stateDir)) {
        log.warn('killing redis-server left by a previous kubelet run', { pid, podDir });
        process.kill(pid, 'SIGKILL');
        killed++;
      }
      await rm(pidFile, { force: true });
    }
  }
  return killed;
}
