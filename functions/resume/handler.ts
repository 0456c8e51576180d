/** Lambda entry for the resume step: middy wiring and real adapters around the pure step in shared/steps/. */
import { createStepHandler } from '../../shared/handler/step-handler.ts';
import { runtimeDeps } from '../../shared/handler/runtime-deps.ts';
import { runResume } from '../../shared/steps/resume/resume-step.ts';

const runtime = runtimeDeps('resume');

export const handler = createStepHandler({ step: 'resume', run: runResume, ...runtime });
