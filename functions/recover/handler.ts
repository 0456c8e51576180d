/** Lambda entry for the recover step: middy wiring and real adapters around the pure step in shared/steps/. */
import { createStepHandler } from '../../shared/handler/step-handler.ts';
import { runtimeDeps } from '../../shared/handler/runtime-deps.ts';
import { runRecover } from '../../shared/steps/recover/recover-step.ts';

const runtime = runtimeDeps('recover');

export const handler = createStepHandler({ step: 'recover', run: runRecover, ...runtime });
