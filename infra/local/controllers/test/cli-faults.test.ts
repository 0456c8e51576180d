/**
 * `npm run local`'s switches: the pure parser (every fault the API server's injector supports, each bad switch named
 * in the error), the plan applied to a real FaultInjector and to a real API server, and the CLI's own usage exit.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCliArgs, UsageError } from '../../cli.ts';
import { injectFaults, startLocalStack, type FaultPlan } from '../../stack.ts';
import { FaultInjector, startKubeApiServer } from '../../kube-apiserver/index.ts';
import type { WatchControl } from '../../kube-apiserver/faults.ts';
import { httpStatus, loadKubeConfig, makeApis } from '../runtime/kube.ts';
import { silentLogger, type Logger } from '../../../../shared/logging.ts';

const quiet: Logger = silentLogger;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

void describe('parseCliArgs', () => {
  void it('reads the plain switches, and no fault plan without --fault-* switches', () => {
    assert.deepEqual(parseCliArgs([]), {
      help: false,
      fresh: false,
      kubernetesOnly: false,
      verbose: false,
      faults: undefined,
    });
    assert.deepEqual(parseCliArgs(['--fresh', '--kubernetes-only', '--verbose', '-h']), {
      help: true,
      fresh: true,
      kubernetesOnly: true,
      verbose: true,
      faults: undefined,
    });
  });

  void it('reads every fault switch into one plan, per verb, repeated switches combined', () => {
    const { faults } = parseCliArgs([
      '--fault-error-rate', '*=0.1',
      '--fault-error-rate', 'create=0.5',
      '--fault-error-code', 'create=503',
      '--fault-fail-next', 'patch=2',
      '--fault-error-code', 'patch=429',
      '--fault-latency', 'list=250',
      '--fault-latency=watch=1.5',
      '--fault-drop-watches', '30',
      '--fault-gone', '0.5',
      '--fault-gone-next', '3',
    ]); // prettier-ignore
    assert.deepEqual(faults, {
      verbs: {
        '*': { errorRate: 0.1 },
        create: { errorRate: 0.5, code: 503 },
        patch: { failNext: 2, code: 429 },
        list: { latencyMs: 250 },
        watch: { latencyMs: 1.5 },
      },
      dropWatchesEverySeconds: 30,
      goneEverySeconds: 0.5,
      goneNextWatches: 3,
    } satisfies FaultPlan);
  });

  void it('accepts an error code on a verb whose failures come from *', () => {
    assert.deepEqual(parseCliArgs(['--fault-error-rate', '*=1', '--fault-error-code', 'get=429']).faults?.verbs, {
      '*': { errorRate: 1 },
      get: { code: 429 },
    });
  });

  const rejects: Array<[string[], RegExp]> = [
    [['--fault-bogus', 'x'], /Unknown option '--fault-bogus'/],
    [['--fault-latency'], /--fault-latency/],
    [['--fresh=yes'], /--fresh/],
    [['stray'], /stray/],
    [['--fault-latency', '100'], /^--fault-latency 100: expected <verb>=<value>/],
    [
      ['--fault-latency', 'deletecollection=100'],
      /^--fault-latency deletecollection=100: unknown verb "deletecollection" \(get, list, watch, create, update, patch, delete or \*\)/,
    ],
    [['--fault-latency', 'get=-5'], /^--fault-latency get=-5: the value must be milliseconds >= 0/],
    [['--fault-error-rate', 'get=1.5'], /^--fault-error-rate get=1.5: the value must be a probability from 0 to 1/],
    [['--fault-error-rate', 'get=abc'], /^--fault-error-rate get=abc/],
    [['--fault-error-rate', 'get='], /^--fault-error-rate get=: the value/],
    [
      ['--fault-error-code', 'get=404', '--fault-error-rate', 'get=1'],
      /^--fault-error-code get=404: the value must be 429, 500 or 503/,
    ],
    [['--fault-fail-next', 'get=0'], /^--fault-fail-next get=0: the value must be a whole number of requests >= 1/],
    [['--fault-fail-next', 'get=1.5'], /^--fault-fail-next get=1.5/],
    [['--fault-latency', 'get=1', '--fault-latency', 'get=2'], /^--fault-latency get=2: "get" is given twice/],
    [
      ['--fault-error-code', 'get=503'],
      /^--fault-error-code get=503: give --fault-error-rate or --fault-fail-next for get too/,
    ],
    [['--fault-error-code', '*=503', '--fault-latency', 'get=5'], /^--fault-error-code \*=503: give/],
    [['--fault-drop-watches', '0'], /^--fault-drop-watches 0: the value must be a number of seconds > 0/],
    [['--fault-gone', 'soon'], /^--fault-gone soon: the value must be a number of seconds > 0/],
    [['--fault-gone-next', '1.5'], /^--fault-gone-next 1.5: the value must be a whole number >= 1/],
  ];
  for (const [args, message] of rejects) {
    void it(`rejects ${args.join(' ')}`, () => {
      assert.throws(
        () => parseCliArgs(args),
        (err: unknown) => err instanceof UsageError && message.test(err.message),
      );
    });
  }
});

/** A watch stream as the injector sees it, counting what was done to it. */
function fakeWatch(faults: FaultInjector): { drops: number; gones: number } {
  const seen = { drops: 0, gones: 0 };
  const control: WatchControl = { drop: () => seen.drops++, gone: () => seen.gones++ };
  faults.watches.add(control);
  return seen;
}

void describe('injectFaults', () => {
  void it('applies * and per-verb faults field by field, and the stop function switches everything off', async () => {
    const faults = new FaultInjector();
    faults.random = () => 0.3;
    const stop = injectFaults(
      faults,
      { verbs: { '*': { errorRate: 0.5, latencyMs: 40 }, get: { errorRate: 0.1 }, patch: { failNext: 1, code: 429 } } },
      quiet,
    );
    const t0 = Date.now();
    await faults.before('get'); // 0.3 >= 0.1: passes, but late
    assert.ok(Date.now() - t0 >= 35, 'latency from *');
    await assert.rejects(faults.before('list'), { code: 500 }); // 0.3 < 0.5
    await assert.rejects(faults.before('patch'), { code: 429, reason: 'TooManyRequests' });
    stop();
    await faults.before('list');
    await faults.before('patch');
  });

  void it('a fault narrowed to resources leaves the requests on other resources (and failNext) alone', async () => {
    const faults = new FaultInjector();
    faults.set('create', { failNext: 1, resources: ['redisopsrequests'] });
    await faults.before('create', 'pods');
    await faults.before('create');
    await assert.rejects(faults.before('create', 'redisopsrequests'), { code: 500 });
    await faults.before('create', 'redisopsrequests');
  });

  void it('drops or ends every open watch periodically until stopped, and fails the next watch requests with 410', async () => {
    const faults = new FaultInjector();
    const watch = fakeWatch(faults);
    const stop = injectFaults(
      faults,
      { verbs: {}, dropWatchesEverySeconds: 0.05, goneEverySeconds: 0.07, goneNextWatches: 2 },
      quiet,
    );
    assert.deepEqual([faults.takeGone(), faults.takeGone(), faults.takeGone()], [true, true, false]);
    await sleep(300);
    stop();
    assert.ok(watch.drops >= 2 && watch.gones >= 2, JSON.stringify(watch));
    const after = { ...watch };
    await sleep(200);
    assert.deepEqual(watch, after, 'no timer survives stop()');
  });

  void it('reaches a real API server: the injected status is what a client sees', async () => {
    const api = await startKubeApiServer();
    try {
      const { core } = makeApis(loadKubeConfig({ yaml: api.kubeconfig() }));
      const stop = injectFaults(
        api.faults,
        parseCliArgs(['--fault-fail-next', 'list=1', '--fault-error-code', 'list=503']).faults!,
        quiet,
      );
      await assert.rejects(core.listNamespace(), (err: unknown) => httpStatus(err) === 503);
      await core.listNamespace();
      stop();
    } finally {
      await api.stop();
    }
  });

  void it('startLocalStack switches the plan on once its own bootstrap is done, and off first when it stops', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'local-faults-'));
    try {
      // Every request fails: the stack could not even create its RedisVersions if the faults were on from the start.
      const stack = await startLocalStack({
        stateDir,
        pipeline: false,
        faults: { verbs: { '*': { errorRate: 1, code: 503 } } },
      });
      try {
        const { core } = makeApis(stack.kubeConfig);
        await assert.rejects(core.listNamespace(), (err: unknown) => httpStatus(err) === 503);
      } finally {
        await stack.stop();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

void describe('npm run local with a bad switch', () => {
  void it('exits 2 with the bad switch named, then the usage', () => {
    const cli = join(import.meta.dirname, '../../cli.ts');
    const run = spawnSync(process.execPath, [cli, '--fault-error-rate', 'get=2'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(
      run.stderr,
      /^npm run local: --fault-error-rate get=2: the value must be a probability from 0 to 1\n\nusage: npm run local/,
    );
    assert.match(run.stderr, /--fault-drop-watches <seconds>/);
  });
});
