/**
 * Function configuration from the environment, validated once at cold start; errors name the variable.
 * Cluster access (CLUSTER_ACCESS, KUBECONFIG_DIR, CLUSTERS_CONFIG, KUBECONFIG_SECRET_PREFIX) is validated by
 * shared/adapters/kube/cluster-access-from-env.ts, the event bus (EVENTS_TOPIC_ARN, EVENT_BUS_NAME) by
 * shared/adapters/events/publisher-from-env.ts.
 */
import * as z from 'zod';
import { MisconfigurationError } from '../errors.ts';
import { describeIssues } from '../messages/parse.ts';
import { METRICS_SERVICE } from '../observability/metrics.ts';
import { DEFAULT_SAFETY_NET_SECONDS, DEFAULT_STALL_SECONDS, MAX_DELAY_SECONDS } from '../steps/timing.ts';

const envSchema = z.object({
  QUEUE_URL_HALT: z.string().url(),
  QUEUE_URL_APPLY_CONFIG: z.string().url(),
  QUEUE_URL_RESTART_POD: z.string().url(),
  QUEUE_URL_RESUME: z.string().url(),
  STALL_SECONDS: z.coerce.number().int().positive().default(DEFAULT_STALL_SECONDS),
  /** The metrics' `service` dimension (serverless.yml: `<service>-<stage>`), Powertools' variable name. */
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default(METRICS_SERVICE),
  SAFETY_NET_SECONDS: z.coerce.number().int().min(1).max(MAX_DELAY_SECONDS).default(DEFAULT_SAFETY_NET_SECONDS),
});
type FunctionEnv = z.infer<typeof envSchema>;

export function readFunctionEnv(env: NodeJS.ProcessEnv = process.env): FunctionEnv {
  const result = envSchema.safeParse(env);
  if (!result.success) throw new MisconfigurationError(`invalid function environment: ${describeIssues(result.error)}`);
  return result.data;
}
