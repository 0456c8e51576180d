/** esbuild plugins of scripts/build.ts: what keeps client-node's unused parts out of the bundles. */
import { readFile } from 'node:fs/promises';
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
 * Lambda bundles and the forwarder talk to the API server through shared/adapters/kube/kube-rest.ts (node:https, its
 * watches through kube-rest-watch.ts), never through client-node's fetch transport; KubeConfig still imports undici's fetch, Agent and ProxyAgent for it (~0.7 MB).
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
  "undici is not bundled into the functions or the forwarder: call the API through shared/adapters/kube/kube-rest.ts, not client-node's generated API";

/**
 * `import http from 'node:http'` (client-node's KubeConfig, and any ESM module) builds node:http's ESM facade, which
 * reads every export — its lazy, undici-backed WebSocket/EventSource/... included — and so loads Node's own bundled
 * undici at every cold start (~20 ms CPU; node:https ~10 ms more; --cpu-prof of a bundle's import). A require() of
 * the same module leaves them lazy, so ESM imports of node:http(s) become a CommonJS stand-in that requires them
 * (through the banner's createRequire); require() calls stay external as they were.
 */
export const nodeHttpByRequire: esbuild.Plugin = {
  name: 'node-http-by-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?https?$/ }, (args) =>
      args.kind === 'require-call' || args.namespace === 'node-http-by-require'
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^(?!node:)/, 'node:'), namespace: 'node-http-by-require' },
    );
    build.onLoad({ filter: /.*/, namespace: 'node-http-by-require' }, (args) => ({
      loader: 'js',
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
    }));
  },
};

/**
 * esbuild turns an imported .json file into a JavaScript object literal; V8 parses the same data as a JSON string
 * (`JSON.parse('…')`) faster than as a literal, which it must parse as code and then evaluate (V8's "cost of
 * JavaScript" guidance: worth it from ~10 KB). ioredis's command table, @ioredis/commands' commands.json (~40 KB),
 * is one such file in every bundle that talks to Redis, evaluated at import.
 */
const JSON_BY_PARSE_MIN_BYTES = 10_000;
export const jsonByParse: esbuild.Plugin = {
  name: 'json-by-parse',
  setup(build) {
    build.onLoad({ filter: /\.json$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      // A small file (client-node's package.json) gains nothing: esbuild's own JSON loader keeps it.
      if (text.length < JSON_BY_PARSE_MIN_BYTES) return undefined;
      const minified = JSON.stringify(JSON.parse(text));
      return { loader: 'js', contents: `module.exports = JSON.parse(${JSON.stringify(minified)});` };
    });
  },
};

/**
 * `debug` (ioredis's logging, and the proxy agents' client-node pulls in) costs each cold start its set-up even when no
 * DEBUG namespace is enabled: it tries `require('supports-color')` (a failed resolution), and each `debug(namespace)`
 * asks `tty.isatty(process.stderr.fd)`, which builds process.stderr. This stand-in is the real module when DEBUG is
 * set when the bundle is imported (so `DEBUG=ioredis:*` still works on a Lambda) and a no-op otherwise.
 */
export const debugWhenEnabled: esbuild.Plugin = {
  name: 'debug-when-enabled',
  setup(build) {
    build.onResolve({ filter: /^debug$/ }, (args) =>
      // The stand-in's own require() of the real module goes to esbuild's resolution.
      args.namespace === 'debug-when-enabled' ? undefined : { path: args.resolveDir, namespace: 'debug-when-enabled' },
    );
    build.onLoad({ filter: /.*/, namespace: 'debug-when-enabled' }, (args) => ({
      loader: 'js',
      resolveDir: args.path,
      contents: DEBUG_STAND_IN,
    }));
  },
};
const DEBUG_STAND_IN = `function createDebug(namespace) {
  const debug = () => {};
  return Object.assign(debug, { namespace, enabled: false, useColors: false, color: 0, diff: 0, log: () => {},
    destroy: () => false, extend: (sub, delimiter = ':') => createDebug(namespace + delimiter + sub) });
}
Object.assign(createDebug, { enable: () => {}, disable: () => '', enabled: () => false, names: [], skips: [],
  formatters: {}, humanize: String, coerce: (v) => v, selectColor: () => 0 });
createDebug.debug = createDebug.default = createDebug;
module.exports = process.env.DEBUG ? require('debug') : createDebug;`;
