/** Every verb the API server's fault injector can fail or slow down, apart from stack.ts so that the command line
 * (infra/local/cli.ts) can check `--fault-*` switches without loading the whole stack. */
import type { FaultVerb } from './kube-apiserver/index.ts';

/** A Record, so the compiler keeps it complete. */
const FAULT_VERB_SET: Record<FaultVerb, true> = {
  get: true,
  list: true,
  watch: true,
  create: true,
  update: true,
  patch: true,
  delete: true,
};
export const FAULT_VERBS = Object.keys(FAULT_VERB_SET) as FaultVerb[];
