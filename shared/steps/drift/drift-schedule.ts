/**
 * The scheduled drift check: which databases it looks at, and one pass over them. The functions serve many
 * clusters and watch nothing, so the scope is configuration: DRIFT_SCOPE, a JSON object of cluster id → the
 * namespaces whose Redises to check (serverless.yml parameter driftScope; `{}` checks nothing, and then only
 * `redis-reconfigure drift` runs it). Namespaces, not "everything": the functions' RBAC may be namespaced
 * (infra/k8s/functions-rbac/namespaced), and a list of the whole cluster would then be refused.
 */
import * as z from 'zod';
import { MisconfigurationError } from '../../errors.ts';
import { describeIssues } from '../../messages/parse.ts';
import type { StepDeps } from '../ports.ts';
import { checkDrift, type DriftReport } from './drift-step.ts';

const namespaceName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name');
const driftScopeSchema = z.record(z.string().min(1), z.array(namespaceName));
type DriftScope = z.infer<typeof driftScopeSchema>;

export function parseDriftScope(text: string | undefined): DriftScope {
  let json: unknown;
  try {
    json = JSON.parse(text === undefined || text.trim() === '' ? '{}' : text);
  } catch (err) {
    throw new MisconfigurationError(`DRIFT_SCOPE is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const result = driftScopeSchema.safeParse(json);
  if (!result.success) throw new MisconfigurationError(`DRIFT_SCOPE: ${describeIssues(result.error)}`);
  return result.data;
}

class DriftCheckFailedError extends Error {
  override name = 'DriftCheckFailedError';
}

/**
 * Every namespace of the scope, each on its own: a cluster that cannot be reached does not hide the drift of the
 * others. Failures are thrown together at the end (the function's error metric and its alarm see them).
 */
export async function runScheduledDrift(
  scope: DriftScope,
  depsFor: (clusterId: string) => Promise<StepDeps>,
): Promise<DriftReport[]> {
  const reports: DriftReport[] = [];
  const failures: string[] = [];
  for (const [clusterId, namespaces] of Object.entries(scope)) {
    for (const namespace of namespaces) {
      try {
        reports.push(...(await checkDrift(await depsFor(clusterId), { clusterId, namespace })));
      } catch (err) {
        failures.push(`${clusterId}/${namespace}: ${(err as Error).name}: ${(err as Error).message}`);
      }
    }
  }
  if (failures.length > 0)
    throw new DriftCheckFailedError(`drift check failed for ${failures.length} namespace(s): ${failures.join('; ')}`);
  return reports;
}
