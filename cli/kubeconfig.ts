/**
 * The kubeconfig as kubectl finds it: `--kubeconfig`, else every file of $KUBECONFIG (path-list, merged, the first
 * file's current-context winning — kubectl's merge rule, https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#merging-kubeconfig-files),
 * else ~/.kube/config. Read with @kubernetes/client-node's KubeConfig, so exec plugins and token files work as there.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UsageError, type GlobalFlags } from './args.ts';

/** One cluster to look at: the context's name, its client configuration, and the namespace to use. */
export interface ClusterTarget {
  context: string;
  kubeConfig: KubeConfig;
  /** undefined = every namespace (-A). */
  namespace: string | undefined;
}

function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv): string[] {
  if (flag !== undefined) {
    if (!existsSync(flag)) throw new UsageError(`--kubeconfig ${flag}: no such file`);
    return [flag];
  }
  const fromEnv = (env['KUBECONFIG'] ?? '').split(delimiter).filter((f) => f !== '' && existsSync(f));
  if (fromEnv.length > 0) return fromEnv;
  const home = env['HOME'] ?? env['USERPROFILE'];
  const dflt = home === undefined ? undefined : join(home, '.kube', 'config');
  if (dflt !== undefined && existsSync(dflt)) return [dflt];
  throw new UsageError('no kubeconfig: give --kubeconfig <file>, set KUBECONFIG, or create ~/.kube/config');
}

function loadKubeConfig(flags: Pick<GlobalFlags, 'kubeconfig'>, env: NodeJS.ProcessEnv): KubeConfig {
  const [first, ...rest] = kubeconfigFiles(flags.kubeconfig, env);
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(first ?? '');
    for (const file of rest) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more, true);
    }
  } catch (err) {
    throw new UsageError(`kubeconfig ${[first, ...rest].join(delimiter)}: ${(err as Error).message}`, { cause: err });
  }
  return kc;
}

/** A copy of `kc` switched to `context` (KubeConfig is mutable; each target gets its own). */
function forContext(kc: KubeConfig, context: string): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kc.getClusters(),
    users: kc.getUsers(),
    contexts: kc.getContexts(),
    currentContext: context,
  });
  return copy;
}

/**
 * The clusters a command looks at: the `--context` (or current) one, or with `allContexts` every context of the
 * kubeconfig (one cluster each). Unknown context → UsageError naming it and the ones there are.
 */
export function clusterTargets(
  flags: Pick<GlobalFlags, 'kubeconfig' | 'context' | 'namespace' | 'allNamespaces'>,
  env: NodeJS.ProcessEnv,
  allContexts = false,
): ClusterTarget[] {
  const kc = loadKubeConfig(flags, env);
  const names = kc.getContexts().map((c) => c.name);
  if (allContexts && flags.context !== undefined)
    throw new UsageError('--context and --all-contexts: give one of them, not both');
  if (flags.context !== undefined && !names.includes(flags.context))
    throw new UsageError(`--context ${flags.context}: no such context in the kubeconfig (it has: ${names.join(', ')})`);
  const chosen = allContexts ? names : [flags.context ?? kc.getCurrentContext()];
  if (chosen.length === 0 || chosen[0] === '' || chosen[0] === undefined)
    throw new UsageError('the kubeconfig has no current-context: give --context <name>');
  return chosen.map((context) => {
    const namespace = flags.allNamespaces
      ? undefined
      : (flags.namespace ?? kc.getContextObject(context)?.namespace ?? 'default');
    return { context, kubeConfig: forContext(kc, context), namespace };
  });
}
