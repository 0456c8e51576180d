/**
 * `redis-reconfigure plan -f` as a user runs it before applying an ops request (the live-apply suites): the manifest
 * written to a file, the CLI's own entry (cli/main.ts run) against the stack's kubeconfig, stdout and stderr kept.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { PlanFailure, PlanReport } from '../../cli/plan-view.ts';
import { run } from '../../cli/main.ts';

export interface PlanRun {
  code: number;
  out: string;
  err: string;
}

export async function planCli(
  stack: { kubeconfigPath: string; stateDir: string },
  ops: { metadata: { name: string } },
  ...flags: string[]
): Promise<PlanRun> {
  const file = join(stack.stateDir, `${ops.metadata.name}.plan.yaml`);
  await writeFile(file, stringify(ops));
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(['plan', '-f', file, ...flags], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { KUBECONFIG: stack.kubeconfigPath },
    now: () => new Date(),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** `plan -o json` of a request expected to plan (exit 0). */
export async function planJson(
  stack: { kubeconfigPath: string; stateDir: string },
  ops: { metadata: { name: string } },
): Promise<PlanReport> {
  const r = await planCli(stack, ops, '-o', 'json');
  if (r.code !== 0) throw new Error(`plan exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as PlanReport;
}

export const planFailure = (r: PlanRun): PlanFailure => JSON.parse(r.out) as PlanFailure;
