/**
 * Opt-in CPU profiles of warm invocations, for finding what one invocation spends its CPU on (docs/benchmarks.md,
 * "Warm invocation CPU"). The runner sets `WorkerConfig.cpuProfileDir` when its own process has
 * LAMBDA_RUNNER_CPU_PROFILE_DIR; each invocation then writes `<function>-<environment>-<n>.cpuprofile` there (the
 * V8 format Chrome DevTools and `bench/warm-cost-profile.ts` read). The inspector session is the worker thread's
 * own, so the profile holds only this environment's work, as `--cpu-prof` would for a Lambda process.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

export interface InvocationProfiler {
  around<T>(work: () => Promise<T>): Promise<T>;
}

const noProfiler: InvocationProfiler = { around: (work) => work() };

export async function invocationProfiler(dir: string | undefined, name: string): Promise<InvocationProfiler> {
  if (dir === undefined) return noProfiler;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 100 µs: a warm invocation is tens of ms of CPU, so the default 1 ms interval would see too few samples.
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  let n = 0;
  return {
    async around(work) {
      await session.post('Profiler.start');
      try {
        return await work();
      } finally {
        const { profile } = await session.post('Profiler.stop');
        await writeFile(join(dir, `${name}-${++n}.cpuprofile`), JSON.stringify(profile));
      }
    },
  };
}
