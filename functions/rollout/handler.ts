/** Lambda entry for the fleet rollout: middy wiring and real adapters around the step in shared/steps/rollout/. */
import { createRolloutHandler } from '../../shared/handler/rollout-handler.ts';
import { rolloutRuntime } from '../../shared/handler/rollout-runtime.ts';

const { deps, log } = rolloutRuntime();

export const handler = createRolloutHandler(deps, log);
