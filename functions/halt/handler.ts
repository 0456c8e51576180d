/** Lambda entry for the halt step: middy wiring and real adapters around the pure step in shared/steps/. */
import { createStepHandler } from '../../shared/handler/step-handler.ts';
import { runtimeDeps } from '../../shared/handler/runtime-deps.ts';
import { runHalt } from '../../shared/steps/halt/halt-step.ts';

const runtime = runtimeDeps('halt');

export const handler = createStepHandler({ step: 'halt', run: runHalt, ...runtime });
