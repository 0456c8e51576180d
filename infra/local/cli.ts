/**
 * `npm run local [-- --fresh] [-- --kubernetes-only] [-- --verbose] [-- --fault-...]`: keep the whole local system up
 * until Ctrl-C, so ops requests applied with `kubectl --kubeconfig .local/kubeconfig` are carried out. State lives in
 * .local/. The `--fault-*` switches drive the API server's fault injector (kube-apiserver/faults.ts) from outside.
 */
import { stopOnSignals } from './shutdown.ts';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { FaultCode, FaultVerb, VerbFault } from './kube-apiserver/index.ts';
// Only types from the stack: it is loaded after the command line is checked and the bundles are built.
import type { FaultPlan, LocalStack } from './stack.ts';
import { FAULT_VERBS } from './fault-verbs.ts';
import { PROJECT_ROOT } from './serverless-config.ts';
import { preflight, PreflightError } from '../../scripts/preflight.ts';

const USAGE = `usage: npm run local -- [--fresh] [--kubernetes-only] [--verbose] [--clusters <n>] [fault switches]
  --fresh            wipe .local/ first (objects, pod data, logs), after stopping the redis-servers a crashed run left
  --clusters <n>     a local fleet of n clusters (2..20; c1 is the hub of FleetRollouts), state in .local/fleet/
                     (docs/fleet.md); not with --kubernetes-only or fault switches
  --kubernetes-only  only the API server, controllers and kubelet (no SQS, runner, forwarder)
  --verbose          print function and forwarder output here instead of .local/logs/
  --pod-start-delay <duration>  e.g. 5s, 13s, 800ms: each pod waits this long in ContainerCreating before its first
                     start, as image pull and container creation take on a real node (default 0)

Fault injection into the Kubernetes API server, on once the stack is up. <verb> is one of
${FAULT_VERBS.join(', ')}, or * for all of them; the per-verb switches can be repeated:
  --fault-error-rate <verb>=<0..1>       fail that share of the verb's requests
  --fault-error-code <verb>=<429|500|503> status of the injected failures (default 500; 429 says Retry-After 1)
  --fault-fail-next <verb>=<n>           fail the next n requests of the verb
  --fault-latency <verb>=<ms>            delay every request of the verb
  --fault-drop-watches <seconds>         every <seconds>, close every open watch stream abruptly
  --fault-gone <seconds>                 every <seconds>, end every open watch with ERROR 410 Gone
  --fault-gone-next <n>                  the next n watch requests answer ERROR 410 Gone`;

/** A command line the CLI cannot run; the message names the switch. */
export class UsageError extends Error {
  override name = 'UsageError';
}

interface CliOptions {
  help: boolean;
  fresh: boolean;
  kubernetesOnly: boolean;
  verbose: boolean;
  /** Undefined when no --fault-* switch is given. */
  faults: FaultPlan | undefined;
  /** --pod-start-delay in milliseconds; absent when not given. */
  podStartDelayMs?: number;
  /** --clusters: a local fleet of that many clusters; absent when not given. */
  clusters?: number;
}

const CODES: readonly FaultCode[] = [429, 500, 503];

/** One source of truth for the per-verb switches: the field each sets and how its value is read. */
const VERB_SWITCHES = {
  'fault-error-rate': {
    field: 'errorRate',
    expects: 'a probability from 0 to 1',
    parse: (v: string) => decimalIn(v, 0, 1),
  },
  'fault-error-code': {
    field: 'code',
    expects: '429, 500 or 503',
    parse: (v: string) => CODES.find((c) => String(c) === v),
  },
  'fault-fail-next': {
    field: 'failNext',
    expects: 'a whole number of requests >= 1',
    parse: (v: string) => wholeAtLeast(v, 1),
  },
  'fault-latency': {
    field: 'latencyMs',
    expects: 'milliseconds >= 0',
    parse: (v: string) => decimalIn(v, 0, Infinity),
  },
} as const satisfies Record<
  string,
  { field: keyof VerbFault; expects: string; parse: (v: string) => number | undefined }
>;

type VerbSwitch = keyof typeof VERB_SWITCHES;

function decimalIn(text: string, min: number, max: number): number | undefined {
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

function wholeAtLeast(text: string, min: number): number | undefined {
  return /^\d+$/.test(text) && Number(text) >= min ? Number(text) : undefined;
}

const PARSE_OPTIONS = {
  fresh: { type: 'boolean' },
  'kubernetes-only': { type: 'boolean' },
  verbose: { type: 'boolean' },
  'pod-start-delay': { type: 'string' },
  clusters: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'fault-error-rate': { type: 'string', multiple: true },
  'fault-error-code': { type: 'string', multiple: true },
  'fault-fail-next': { type: 'string', multiple: true },
  'fault-latency': { type: 'string', multiple: true },
  'fault-drop-watches': { type: 'string' },
  'fault-gone': { type: 'string' },
  'fault-gone-next': { type: 'string' },
} as const;

/** Pure: the command line (without node and the script) → what to run, or a UsageError naming the bad switch. */
export function parseCliArgs(args: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({ args, options: PARSE_OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message); // node names the switch: "Unknown option '--x'", "... argument missing"
  }
  const verbs: FaultPlan['verbs'] = {};
  for (const name of Object.keys(VERB_SWITCHES) as VerbSwitch[]) {
    for (const entry of values[name] ?? []) addVerbFault(verbs, name, entry);
  }
  requireFailuresForCodes(verbs);
  const faults = faultPlan(verbs, {
    dropWatchesEverySeconds: seconds('fault-drop-watches', values['fault-drop-watches']),
    goneEverySeconds: seconds('fault-gone', values['fault-gone']),
    goneNextWatches: count('fault-gone-next', values['fault-gone-next']),
  });
  const clusters = clusterCount(values.clusters, values['kubernetes-only'] === true || faults !== undefined);
  return {
    help: values.help === true,
    fresh: values.fresh === true,
    kubernetesOnly: values['kubernetes-only'] === true,
    verbose: values.verbose === true,
    faults,
    ...optional('podStartDelayMs', duration('pod-start-delay', values['pod-start-delay'])),
    ...optional('clusters', clusters),
  };
}

/** A fleet runs the whole pipeline and no fault injector (each cluster would need its own plan). */
function clusterCount(text: string | undefined, conflicting: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = wholeAtLeast(text, 1);
  if (n === undefined || n > 20)
    throw new UsageError(`--clusters ${text}: the value must be a whole number from 1 to 20`);
  if (n > 1 && conflicting) throw new UsageError('--clusters cannot be combined with --kubernetes-only or --fault-*');
  return n;
}

function addVerbFault(verbs: FaultPlan['verbs'], name: VerbSwitch, entry: string): void {
  const spec = VERB_SWITCHES[name];
  const eq = entry.indexOf('=');
  if (eq < 0) throw new UsageError(`--${name} ${entry}: expected <verb>=<value>`);
  const verb = entry.slice(0, eq);
  const text = entry.slice(eq + 1);
  if (verb !== '*' && !(FAULT_VERBS as string[]).includes(verb)) {
    throw new UsageError(`--${name} ${entry}: unknown verb "${verb}" (${FAULT_VERBS.join(', ')} or *)`);
  }
  const value = spec.parse(text);
  if (value === undefined) throw new UsageError(`--${name} ${entry}: the value must be ${spec.expects}`);
  const fault = (verbs[verb as FaultVerb | '*'] ??= {});
  if (fault[spec.field] !== undefined) throw new UsageError(`--${name} ${entry}: "${verb}" is given twice`);
  Object.assign(fault, { [spec.field]: value });
}

/** A status code alone injects nothing: the verb (or *) needs a rate or a count of failures too. */
function requireFailuresForCodes(verbs: FaultPlan['verbs']): void {
  const fails = (f: VerbFault | undefined): boolean => f?.errorRate !== undefined || f?.failNext !== undefined;
  for (const [verb, fault] of Object.entries(verbs) as [FaultVerb | '*', VerbFault][]) {
    if (fault.code === undefined) continue;
    const covered = verb === '*' ? Object.values(verbs).some(fails) : fails(fault) || fails(verbs['*']);
    if (!covered)
      throw new UsageError(
        `--fault-error-code ${verb}=${fault.code}: give --fault-error-rate or --fault-fail-next for ${verb} too`,
      );
  }
}

function seconds(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = decimalIn(text, 0, Infinity);
  if (value === undefined || value <= 0)
    throw new UsageError(`--${name} ${text}: the value must be a number of seconds > 0`);
  return value;
}

const optional = <K extends string>(key: K, value: number | undefined): { [k in K]?: number } =>
  (value === undefined ? {} : { [key]: value }) as { [k in K]?: number };

/** `5s`, `1.5s`, `800ms`, or a bare number of seconds. */
function duration(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text);
  if (match === null) throw new UsageError(`--${name} ${text}: the value must be a duration such as 5s, 1.5s or 800ms`);
  return Math.round(Number(match[1]) * (match[2] === 'ms' ? 1 : 1000));
}

function count(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = wholeAtLeast(text, 1);
  if (value === undefined) throw new UsageError(`--${name} ${text}: the value must be a whole number >= 1`);
  return value;
}

function faultPlan(verbs: FaultPlan['verbs'], watches: Omit<FaultPlan, 'verbs'>): FaultPlan | undefined {
  const given = Object.fromEntries(Object.entries(watches).filter(([, v]) => v !== undefined)) as Omit<
    FaultPlan,
    'verbs'
  >;
  if (Object.keys(verbs).length === 0 && Object.keys(given).length === 0) return undefined;
  return { verbs, ...given };
}

function printNextSteps(stack: LocalStack, stateDir: string, faults: FaultPlan | undefined): void {
  const kubeconfig = relative(process.cwd(), stack.kubeconfigPath) || stack.kubeconfigPath;
  console.log(`Local stack is up.
  Kubernetes API   ${stack.api.url}  (kubeconfig: ${kubeconfig})
  ${stack.sqs !== undefined ? `SQS (fauxqs)     ${stack.sqs.endpoint}\n  Lambda runner    ${stack.runner?.functions.join(', ')}\n  forwarder        pid ${stack.forwarder?.pid ?? '-'}` : 'pipeline         off (--kubernetes-only)'}
  logs             ${relative(process.cwd(), join(stateDir, 'logs'))}/${faults !== undefined ? `\n  API faults       ${JSON.stringify(faults)}` : ''}

Try it:
  export KUBECONFIG=${kubeconfig}
  kubectl apply -f examples/reconfigure/00-namespace.yaml -f examples/reconfigure/01-rd-custom-config.yaml -f examples/reconfigure/02-sample-redis.yaml
  kubectl get rd,petset,pods -n demo
  kubectl apply -f examples/reconfigure/10-new-custom-config.yaml -f examples/reconfigure/11-rdops-reconfigure.yaml
  kubectl get rdops -n demo -w
  kubectl describe rdops -n demo rdops-reconfigure

Ctrl-C stops everything (every redis-server included).`);
}

async function main(): Promise<void> {
  let cli: CliOptions;
  try {
    cli = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`npm run local: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (cli.help) {
    console.log(USAGE);
    return;
  }
  try {
    preflight();
  } catch (err) {
    if (!(err instanceof PreflightError)) throw err;
    console.error(`npm run local: ${err.message}`); // the step's own output above says why
    process.exit(1);
  }
  if (cli.clusters !== undefined && cli.clusters > 1) {
    const { runLocalFleet } = await import('./fleet-cli.ts');
    return runLocalFleet({ clusters: cli.clusters, fresh: cli.fresh, verbose: cli.verbose });
  }
  const { startLocalStack } = await import('./stack.ts');
  const stateDir = join(PROJECT_ROOT, '.local');
  const stack = await startLocalStack({
    stateDir,
    fresh: cli.fresh,
    pipeline: !cli.kubernetesOnly,
    verbose: cli.verbose,
    ...(cli.podStartDelayMs !== undefined ? { podStartDelayMs: cli.podStartDelayMs } : {}),
    ...(cli.faults ? { faults: cli.faults } : {}),
  });
  printNextSteps(stack, stateDir, cli.faults);
  stopOnSignals('the local stack', () => stack.stop());
}

// Run only as the script: tests import parseCliArgs.
if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
