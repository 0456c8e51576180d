/** esbuild plugins of scripts/build.ts: what keeps client-node's unused parts out of the bundles. */
import type * as esbuild from 'esbuild';

/**
 * @kubernetes/client-node declares no `sideEffects` in its package.json, so esbuild keeps every module its index
 * re-exports (all API groups, ws, tar, …) even when one class is used. Its modules only define classes and
 * functions at top level, so marking them side-effect free lets esbuild drop what the bundle does not reference.
 */
export const clientNodeSideEffectFree: esbuild.Plugin = {
  name: 'client-node-side-effect-free',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node(\/|$)|^\.\.?\// }, async (args) => {
      if (args.pluginData === CLIENT_NODE_RESOLVING) return undefined;
      if (args.path.startsWith('.') && !args.importer.includes('/@kubernetes/client-node/')) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: CLIENT_NODE_RESOLVING,
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { ...resolved, sideEffects: false };
    });
  },
};
const CLIENT_NODE_RESOLVING = Symbol('client-node-resolving');

/**
 * Lambda bundles talk to the API server through shared/adapters/kube/kube-rest.ts (node:https), never through
 * client-node's fetch transport; KubeConfig still imports undici's fetch, Agent and ProxyAgent for it (~0.7 MB).
 * This stand-in keeps them out and fails loudly, naming the reason, if a function ever reaches them.
 */
export const undiciUnavailable: esbuild.Plugin = {
  name: 'undici-unavailable',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, (args) => ({ path: args.path, namespace: 'undici-unavailable' }));
    build.onLoad({ filter: /.*/, namespace: 'undici-unavailable' }, () => ({
      loader: 'js',
      contents: `const message = ${JSON.stringify(UNDICI_MESSAGE)};
class Unavailable { constructor() { throw new Error(message); } }
export const fetch = () => Promise.reject(new Error(message));
export { Unavailable as Agent, Unavailable as ProxyAgent };`,
    }));
  },
};
export const UNDICI_MESSAGE =
  "undici is not bundled into the Lambda functions: call the API through shared/adapters/kube/kube-rest.ts, not client-node's generated API";
