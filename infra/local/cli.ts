/**
 * `npm run local [-- --fresh] [-- --kubernetes-only] [-- --verbose]`: keep the whole local system up until Ctrl-C,
 * so ops requests applied with `kubectl --kubeconfig .local/kubeconfig` are carried out. State lives in .local/.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalStack } from './stack.ts';
import { PROJECT_ROOT } from './serverless-config.ts';
import { join } from 'node:path';

const USAGE = `usage: npm run local -- [--fresh] [--kubernetes-only] [--verbose]
  --fresh            wipe .local/ first (objects, pod data, logs)
  --kubernetes-only  only the API server, controllers and kubelet (no SQS, runner, forwarder)
  --verbose          print function and forwarder output here instead of .local/logs/`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { fresh: { type: 'boolean' }, 'kubernetes-only': { type: 'boolean' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const stateDir = join(PROJECT_ROOT, '.local');
  const stack = await startLocalStack({ stateDir, fresh: values.fresh === true, pipeline: values['kubernetes-only'] !== true, verbose: values.verbose === true });
  const kubeconfig = relative(process.cwd(), stack.kubeconfigPath) || stack.kubeconfigPath;
  console.log(`Local stack is up.
  Kubernetes API   ${stack.api.url}  (kubeconfig: ${kubeconfig})
  ${stack.sqs !== undefined ? `SQS (fauxqs)     ${stack.sqs.endpoint}\n  Lambda runner    ${stack.runner?.functions.join(', ')}\n  forwarder        pid ${stack.forwarder?.pid ?? '-'}` : 'pipeline         off (--kubernetes-only)'}
  logs             ${relative(process.cwd(), join(stateDir, 'logs'))}/

Try it:
  export KUBECONFIG=${kubeconfig}
  kubectl apply -f examples/reconfigure/00-namespace.yaml -f examples/reconfigure/01-rd-custom-config.yaml -f examples/reconfigure/02-sample-redis.yaml
  kubectl get rd,petset,pods -n demo
  kubectl apply -f examples/reconfigure/10-new-custom-config.yaml -f examples/reconfigure/11-rdops-reconfigure.yaml
  kubectl get rdops -n demo -w
  kubectl describe rdops -n demo rdops-reconfigure

Ctrl-C stops everything (every redis-server included).`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the local stack...');
    stack.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
