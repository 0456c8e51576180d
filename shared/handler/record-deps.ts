/**
 * The ports one record's step works with: the function's, plus what the handler adds at the edge so that no step has
 * to — the hop's trace context on every message and event sent (CloudEvents distributed tracing extension), and an
 * info line for every hand-off and every wait, so a healthy run can be followed in the logs.
 */
import { traceExtensions, type TraceExtensions } from '../messages/cloudevent.ts';
import type { FunctionStep } from '../messages/step-message.ts';
import { formatTraceparent, type TraceContext } from '../observability/trace-context.ts';
import type { StepDeps } from '../steps/ports.ts';

export function recordDeps(deps: StepDeps, step: FunctionStep, hop: TraceContext, tracestate?: string): StepDeps {
  const trace: TraceExtensions = traceExtensions({ traceparent: formatTraceparent(hop), tracestate });
  const { queue, events, log } = deps;
  return {
    ...deps,
    queue: {
      send: async (to, data, delaySeconds = 0) => {
        await queue.send(to, data, delaySeconds, trace);
        if (to === step && delaySeconds > 0)
          log.info(`checking again in ${delaySeconds}s`, { delaySeconds, nextAttempt: data.attempt });
        else log.info(`handed over to ${to}`, { to, ...(delaySeconds > 0 ? { delaySeconds } : {}) });
      },
    },
    events: { publish: (event) => events.publish({ ...event, ...trace }) },
  };
}
