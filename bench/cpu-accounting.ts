/**
 * Where the CPU of a local run goes, for naming the floor of a benchmark on a shared machine: the function
 * environments (each invocation's thread CPU, from the runner's `cpuMs`), this process's main thread (the local API
 * servers, controllers, kubelets, the SQS emulator and the runner's pollers all run there), its other threads
 * (libuv pool, V8's GC and compiler threads, worker threads outside their handlers), and every child process
 * (forwarders, redis-servers) read from /proc. Linux only; CPU time, not wall time, so other load on the machine
 * does not inflate it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { LambdaRunner } from '../infra/local/lambda-runner/index.ts';

/** USER_HZ: /proc reports utime and stime in these ticks (getconf CLK_TCK; 100 on every Linux we run). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  comm: string;
  cpuMs: number;
}

function readProcStat(pid: string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // the process ended between readdir and read: it is simply not in this snapshot
  }
  // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split after its last ')'.
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return {
    ppid: Number(fields[1]),
    comm: text.slice(text.indexOf('(') + 1, close),
    cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND,
  };
}

/** CPU ms per descendant process of this one, by pid (with its command name). */
function descendants(): Map<number, ProcStat> {
  const all = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(entry);
    if (stat !== undefined) all.set(Number(entry), stat);
  }
  const mine = new Map<number, ProcStat>();
  const isMine = (pid: number): boolean => {
    for (let p = all.get(pid)?.ppid; p !== undefined && p > 1; p = all.get(p)?.ppid) if (p === process.pid) return true;
    return false;
  };
  for (const [pid, stat] of all) if (isMine(pid)) mine.set(pid, stat);
  return mine;
}

interface Snapshot {
  processMs: number;
  mainThreadMs: number;
  children: Map<number, ProcStat>;
}

function snapshot(): Snapshot {
  const total = process.cpuUsage();
  const main = process.threadCpuUsage();
  return {
    processMs: (total.user + total.system) / 1000,
    mainThreadMs: (main.user + main.system) / 1000,
    children: descendants(),
  };
}

export interface CpuAccount {
  /** CPU seconds by consumer over the measured interval, and the 1-min load average at its start and end. */
  stop(): Array<Record<string, string | number>>;
}

/** Starts counting now; `stop()` returns one row per consumer (CPU seconds, share of the interval's total). */
export function startCpuAccount(runner: LambdaRunner): CpuAccount {
  const before = snapshot();
  const loadBefore = loadavg()[0] ?? 0;
  const started = performance.now();
  const functions = new Map<string, { ms: number; n: number }>();
  const onEnd = (e: { functionName: string; cpuMs?: number }): void => {
    const f = functions.get(e.functionName) ?? { ms: 0, n: 0 };
    f.ms += e.cpuMs ?? 0;
    f.n++;
    functions.set(e.functionName, f);
  };
  runner.on('invocation-end', onEnd);
  return {
    stop() {
      runner.off('invocation-end', onEnd);
      const after = snapshot();
      const wallS = (performance.now() - started) / 1000;
      const byComm = new Map<string, { ms: number; n: number }>();
      for (const [pid, stat] of after.children) {
        const key = stat.comm === 'node' ? 'node (forwarders)' : stat.comm;
        const c = byComm.get(key) ?? { ms: 0, n: 0 };
        c.ms += stat.cpuMs - (before.children.get(pid)?.cpuMs ?? 0);
        c.n++;
        byComm.set(key, c);
      }
      const fnMs = [...functions.values()].reduce((a, f) => a + f.ms, 0);
      const mainMs = after.mainThreadMs - before.mainThreadMs;
      const otherThreadsMs = after.processMs - before.processMs - mainMs - fnMs;
      const rows: Array<{ consumer: string; ms: number; detail: string }> = [
        ...[...functions].map(([fn, f]) => ({
          consumer: `function ${fn}`,
          ms: f.ms,
          detail: `${f.n} invocations, ${(f.ms / Math.max(1, f.n)).toFixed(1)} ms each`,
        })),
        {
          consumer: 'runner process, main thread',
          ms: mainMs,
          detail: 'API servers, controllers, kubelets, SQS, pollers',
        },
        {
          consumer: 'runner process, other threads',
          ms: otherThreadsMs,
          detail: 'GC/compiler/libuv; workers between invocations',
        },
        ...[...byComm].map(([comm, c]) => ({ consumer: comm, ms: c.ms, detail: `${c.n} processes` })),
      ];
      const totalMs = rows.reduce((a, r) => a + r.ms, 0);
      const load = `${loadBefore.toFixed(1)}–${(loadavg()[0] ?? 0).toFixed(1)}`;
      return [
        ...rows.map((r) => ({
          consumer: r.consumer,
          'CPU s': (r.ms / 1000).toFixed(2),
          share: `${((100 * r.ms) / totalMs).toFixed(0)}%`,
          detail: r.detail,
        })),
        {
          consumer: 'all',
          'CPU s': (totalMs / 1000).toFixed(2),
          share: '100%',
          detail: `over ${wallS.toFixed(1)} s wall = ${(totalMs / 1000 / wallS).toFixed(2)} cores busy; load ${load}`,
        },
      ];
    },
  };
}
