/** Lambda entry for the restart-pod step: middy wiring and real adapters around the pure step in shared/steps/. */
import { FUNCTION_CONNECTION_REUSE_MS } from '../../shared/adapters/redis/idle-connections.ts';
import { RedisAdapter } from '../../shared/adapters/redis/redis-adapter.ts';
import { createStepHandler } from '../../shared/handler/step-handler.ts';
import { runtimeDeps } from '../../shared/handler/runtime-deps.ts';
import { runRestartPod } from '../../shared/steps/restart-pod/restart-pod-step.ts';

const runtime = runtimeDeps('restart-pod', { redis: new RedisAdapter({ reuseForMs: FUNCTION_CONNECTION_REUSE_MS }) });

export const handler = createStepHandler({ step: 'restart-pod', run: runRestartPod, ...runtime });
