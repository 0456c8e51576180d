/**
 * No dead exports in the product (shared/, functions/, cli/) nor in the local simulator (infra/): each export is
 * imported somewhere, or is what a runtime loads by name. The finder itself is checked on a small fixture tree first.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';
import { lambdaHandlers, projectFiles, unusedExports } from './unused-exports.ts';

/**
 * Files other work in progress owns at the time of writing (apply-config, the message schema, the forwarder and the
 * ListWatch the simulator's controllers share with it): their unused exports are removed with that work, not under
 * it. An entry that is gone is fine; a new one is not.
 */
const PENDING = new Set([
  'functions/forwarder/announce-policy.ts ReadResult',
  'functions/forwarder/announce-policy.ts RECONFIGURE',
  'functions/forwarder/announce-policy.ts isReconfigure',
  'functions/forwarder/announce-policy.ts watchedOpsRequestSchema',
  'functions/forwarder/announcer.ts AnnouncerOptions',
  'functions/forwarder/announcer.ts forwarderSource',
  'functions/forwarder/config.ts ConfigSources',
  'functions/forwarder/health-server.ts HealthServerOptions',
  'functions/forwarder/kube-watch-source.ts CustomResourceRef',
  'functions/forwarder/leader-election.ts LeaderElectionOptions',
  'functions/forwarder/list-watch-source.ts KubeObjectMeta',
  'functions/forwarder/list-watch-source.ts WatchStatus',
  'functions/forwarder/list-watch.ts ListWatchHandler',
  'functions/forwarder/list-watch.ts ListWatchOptions',
  'functions/forwarder/main.ts main',
  'functions/forwarder/sqs-batch-sender.ts SEND_RETRY_BACKOFF',
  'functions/forwarder/sqs-batch-sender.ts SQS_MAX_BATCH',
  'functions/forwarder/sqs-batch-sender.ts SqsBatchSenderOptions',
  'shared/kubedb/types.ts OwnerReference',
  'shared/messages/step-message.ts STEPS',
  'shared/messages/step-message.ts STEP_MESSAGE_VERSION',
  'shared/messages/transition-event.ts TRANSITION_EVENT_VERSION',
  'shared/messages/transition-event.ts TRANSITION_KINDS',
  'shared/messages/transition-event.ts transitionDataSchema',
  'shared/messages/transition-event.ts transitionTypeFor',
  'shared/steps/apply-config/live-apply.ts LiveApplied',
  'shared/steps/apply-config/live-apply.ts LiveApplyHooks',
  'infra/local/controllers/runtime/controller.ts Controller',
  'infra/local/controllers/runtime/controller.ts SourceSpec',
  'infra/local/controllers/runtime/kube.ts ObjectRef',
  'infra/local/controllers/runtime/list-watch.ts ListWatchOptions',
  'infra/local/controllers/runtime/work-queue.ts WorkQueueOptions',
  'infra/local/kube-apiserver/watch.ts WatchDeps',
  'infra/local/kube-apiserver/watch.ts WatchRequest',
  // A test harness that lives beside the config code it drives (real redis-server processes).
  'shared/config/redis-server-harness.ts DEADLINE_MS',
]);

void describe('unusedExports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unused-exports-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };

  void it('sees named, namespace, re-exported and dynamic uses, and the Lambda handler', () => {
    write(
      'a.ts',
      'export const used = 1;\nexport const dead = 2;\nexport interface Dead2 {}\nexport const viaNs = 3;\n',
    );
    write('b.ts', "import { used } from './a.ts';\nimport * as a from './a.ts';\nexport { used };\nvoid a.viaNs;\n");
    write('c.ts', 'export function all() {}\nexport const also = 1;\n');
    write('d.ts', "export async function load() { return import('./c.ts'); }\n");
    write('functions/x/handler.ts', 'export const handler = () => undefined;\n');
    const found = unusedExports(dir, ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'functions/x/handler.ts'], lambdaHandlers);
    assert.deepEqual(
      found.map((u) => `${u.file}:${u.line} ${u.name}`),
      ['a.ts:2 dead', 'a.ts:3 Dead2', 'b.ts:3 used', 'd.ts:1 load'],
    );
  });
});

void describe('the product and the simulator have no unused exports', () => {
  void it('shared/, functions/, cli/, infra/', () => {
    const found = unusedExports(PROJECT_ROOT, projectFiles(PROJECT_ROOT), lambdaHandlers)
      .filter((u) => /^(shared|functions|cli|infra)\//.test(u.file))
      .map((u) => `${u.file} ${u.name}`)
      .filter((key) => !PENDING.has(key));
    assert.deepEqual(found, [], 'export them only where another module imports them, or delete them');
  });
});
