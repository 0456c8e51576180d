/**
 * The send analysis behind package.test.ts's IAM comparison: it must find every way step code can name a queue, and
 * refuse what it cannot read rather than miss it. Runs on a fixture module written next to nothing but the project's
 * own QueuePort; and proves each entry of UNREACHABLE_SENDS with the real step handler.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../infra/local/serverless-config.ts';
import { OpsRequestFailedError } from '../../shared/errors.ts';
import { silentLogger } from '../../shared/logging.ts';
import { processStepRecord } from '../../shared/handler/step-handler.ts';
import { newStepMessage } from '../../shared/messages/step-message.ts';
import { MetricsBuffer } from '../../shared/observability/metrics.ts';
import type { StepDeps } from '../../shared/steps/ports.ts';
import { testWorld } from '../support/fake-ports.ts';
import { sqsRecord } from '../support/sqs.ts';
import { analyseQueueSends, type QueueSendAnalysis, UNREACHABLE_SENDS } from './queue-sends.ts';

const FIXTURE = `
import type { QueuePort } from '${resolve(PROJECT_ROOT, 'shared/steps/ports.ts')}';
import type { Step } from '${resolve(PROJECT_ROOT, 'shared/messages/step-message.ts')}';
class Recorder implements QueuePort {
  async send(_step: Step): Promise<void> {}
}
export async function steps(q: QueuePort, r: Recorder, due: 'apply-config' | 'restart-pod', any: Step, text: string) {
  await q.send('halt', {} as never);                 // line 8: a literal
  await q.send(due, {} as never);                    // line 9: a union of literals
  await q.send(any, {} as never, 5);                 // line 10: any step
  await r.send('resume');                            // line 11: a class implementing QueuePort
  await q.send(text as Step, {} as never);           // line 12: a cast hides the target... still a Step: all four
  await q.send(text as never, {} as never);          // line 13: unreadable
  const send = q.send;                               // line 14: taken as a value
  const { send: alias } = q;                         // line 15: destructured
  void send; void alias;
  await ({ send: async (_x: string) => undefined }).send('halt'); // line 17: not a QueuePort
  const decorated: QueuePort = { send: (to, d, delay) => q.send(to, d, delay) }; // line 18: forwards its caller's
  await decorated.send('resume', {} as never);       // line 19: read here
  const reaimed: QueuePort = { send: (_to, d) => q.send(any, d) }; // line 20: not forwarding: its own target
  void reaimed;
}
`;

describe('queue send analysis', () => {
  let dir: string;
  let file: string;
  let analysis: QueueSendAnalysis;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'queue-sends-'));
    writeFileSync(join(dir, 'steps.ts'), FIXTURE);
    file = relative(PROJECT_ROOT, join(dir, 'steps.ts'));
    analysis = analyseQueueSends(PROJECT_ROOT, [file]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads literal, union and whole-Step targets, through the port, an implementing class and a forwarding decorator', () => {
    const all = ['apply-config', 'halt', 'restart-pod', 'resume'];
    assert.deepEqual(
      analysis.sends.map((s) => [s.file, s.line, s.targets]),
      [
        [file, 8, ['halt']],
        [file, 9, ['apply-config', 'restart-pod']],
        [file, 10, all],
        [file, 11, ['resume']],
        [file, 12, all],
        [file, 19, ['resume']],
        [file, 20, all],
      ],
    );
  });

  it('reports what it cannot read instead of guessing: a target of no literal type, send as a value or destructured', () => {
    assert.deepEqual(analysis.problems, [
      `${file}:13: cannot tell which queue this send targets (step type never)`,
      `${file}:14: QueuePort.send used as a value; call it directly`,
      `${file}:15: QueuePort.send destructured; call it on the port`,
    ]);
  });
});

describe('UNREACHABLE_SENDS, proven', () => {
  it('resume → resume: an ops-request failure inside resume fails the record; resume never hands over to itself', async () => {
    assert.deepEqual(
      UNREACHABLE_SENDS.map((u) => `${u.fn}→${u.target}`),
      ['resume→resume'],
      'one proof per entry: add a test for a new one',
    );
    const sent: string[] = [];
    const silent = silentLogger;
    const world = testWorld({ log: silent });
    const deps: StepDeps = {
      ...world.deps,
      queue: { send: async (step) => void sent.push(step) },
    };
    const process = processStepRecord({
      step: 'resume',
      log: silent,
      metrics: new MetricsBuffer(),
      depsFor: async () => deps,
      run: async () => {
        throw new OpsRequestFailedError('DatabaseNotFound', 'gone');
      },
    });
    const data = {
      version: 1 as const,
      clusterId: 'c',
      namespace: 'ns',
      opsRequest: { name: 'o', uid: 'u' },
      step: 'resume' as const,
      traceId: 't',
    };
    const record = sqsRecord(JSON.stringify(newStepMessage(data, 'urn:test')), 'm');
    await assert.rejects(process(record), OpsRequestFailedError);
    assert.deepEqual(sent, []);
  });
});
