/**
 * A kubelet that crashed may have left redis-server processes behind (they do not die with their parent).
 * On start we adopt nothing: every pid file under <stateDir>/pods/ whose process still runs from this stateDir is
 * killed, then pods that exist in the API are started afresh.
 */
import { readdir, readFile, readlink, rm } from 'node:fs/promises';
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

/**
 * Whether a process was started from `dir`. redis-server rewrites its command line (proc title
 * `redis-server 127.10.0.1:6379`), so the config path in argv is gone; its working directory is not: the kubelet starts
 * it in the pod's data dir, and redis-server chdir()s only to `dir`, which is that same directory.
 */
export async function runsFrom(pid: number, dir: string): Promise<boolean> {
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined); // gone, a zombie, or not Linux
  if (cwd !== undefined && (cwd === dir || cwd.startsWith(`${dir}/`))) return true;
  const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmd.replaceAll('\0', ' ').includes(dir);
}

export async function killStaleProcesses(stateDir: string, log: Logger): Promise<number> {
  const killed: number[] = [];
  for (const nsDir of await listDirs(join(stateDir, 'pods'))) {
    for (const podDir of await listDirs(nsDir)) {
      const pid = await killRecorded(join(podDir, 'redis.pid'), stateDir, log);
      if (pid !== undefined) killed.push(pid);
    }
  }
  await waitGone(killed, stateDir);
  return killed.length;
}

/** SIGKILLs the process a pid file names if it still runs from this stateDir (a reused pid is left alone). */
async function killRecorded(pidFile: string, stateDir: string, log: Logger): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number(await readFile(pidFile, 'utf8'));
  } catch {
    return undefined;
  }
  let killed: number | undefined;
  // pid 0 or -1 would signal a whole process group.
  if (Number.isInteger(pid) && pid > 1 && (await runsFrom(pid, stateDir))) {
    log.warn('killing redis-server left by a previous kubelet run', { pid, pidFile });
    if (killIfAlive(pid)) killed = pid;
  }
  await rm(pidFile, { force: true });
  return killed;
}

/** SIGKILL; false when the process ended on its own between the check and the signal (ESRCH: what we wanted). */
function killIfAlive(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * SIGKILL is asynchronous: wait (up to 5 s) until the processes are gone, so that their pod addresses are free when
 * the pods start again and a caller that wipes the stateDir next does not race a dying process.
 */
async function waitGone(pids: number[], stateDir: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (const pid of pids) {
    // A zombie has neither cwd nor cmdline: it holds no socket or file any more.
    while ((await runsFrom(pid, stateDir)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}
