/** Unit tests (no network) for reading serverless.yml: CloudFormation tags, Serverless variables, the typed model. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  loadServerlessConfig,
  parseServerlessYaml,
  resolveEnvironment,
  ServerlessConfigError,
} from '../../infra/local/serverless-config.ts';
import { judgeBatchResponse } from '../../infra/local/lambda-runner/index.ts';
import { FIXTURE_YML } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'serverless-config-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function load(
  yaml: string,
  options: Parameters<typeof loadServerlessConfig>[0] = {},
): ReturnType<typeof loadServerlessConfig> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(path, yaml);
  return loadServerlessConfig({ ...options, path });
}

void describe('parseServerlessYaml', () => {
  void it('turns CloudFormation short-form tags into intrinsic objects', () => {
    const doc = parseServerlessYaml(
      [
        'a: !Ref Queue',
        'b: !GetAtt Queue.Arn',
        'c: [!GetAtt [Q, Arn]]',
        "d: !Sub 'arn:${AWS::Region}:x'",
        "e: !Join [':', [a, !Ref B]]",
      ].join('\n'),
    );
    assert.deepEqual(doc, {
      a: { Ref: 'Queue' },
      b: { 'Fn::GetAtt': ['Queue', 'Arn'] },
      c: [{ 'Fn::GetAtt': ['Q', 'Arn'] }],
      d: { 'Fn::Sub': 'arn:${AWS::Region}:x' },
      e: { 'Fn::Join': [':', ['a', { Ref: 'B' }]] },
    });
  });
});

void describe('loadServerlessConfig', () => {
  const base = [
    'service: svc',
    'custom:',
    '  count: 4',
    '  nested: n-${self:custom.count}',
    'provider:',
    '  name: aws',
    "  stage: ${opt:stage, 'dev'}",
    "  region: ${opt:region, 'eu-central-1'}",
    '  environment:',
    "    P: ${param:p, 'p-default'}",
    "    E: ${env:SLS_CONFIG_TEST_VAR, 'e-default'}",
    '    N: ${self:custom.nested}',
    '    S: x-${sls:stage}-y',
    "    CFN: !Sub 'arn:${AWS::Partition}:${self:service}'",
    'functions: {}',
    'resources:',
    '  Resources:',
    '    Q:',
    '      Type: AWS::SQS::Queue',
    '      Properties:',
    '        QueueName: ${self:service}-${sls:stage}-q',
    '        RedrivePolicy: { deadLetterTargetArn: !GetAtt D.Arn, maxReceiveCount: "${self:custom.count}" }',
    '    D: { Type: AWS::SQS::Queue, Properties: { QueueName: d } }',
    '    R: { Type: AWS::IAM::Role }',
  ].join('\n');

  void it('resolves self, sls:stage, opt, param and env variables, keeping types of whole-string variables', () => {
    const config = load(base);
    assert.equal(config.stage, 'dev');
    assert.equal(config.region, 'eu-central-1');
    assert.deepEqual((config.document.provider as { environment: unknown }).environment, {
      P: 'p-default',
      E: 'e-default',
      N: 'n-4',
      S: 'x-dev-y',
      CFN: { 'Fn::Sub': 'arn:${AWS::Partition}:svc' },
    });
    assert.deepEqual(config.queues, [
      {
        logicalId: 'Q',
        queueName: 'svc-dev-q',
        fifo: false,
        redrive: { deadLetterLogicalId: 'D', maxReceiveCount: 4 },
      },
      { logicalId: 'D', queueName: 'd', fifo: false },
    ]);
  });

  void it('lets options win over fallbacks', () => {
    const config = load(base, {
      stage: 'prod',
      region: 'us-west-2',
      params: { p: 'given' },
      env: { SLS_CONFIG_TEST_VAR: 'set' },
    });
    assert.equal(config.stage, 'prod');
    assert.equal(config.region, 'us-west-2');
    assert.equal(config.queues[0]?.queueName, 'svc-prod-q');
    const env = (config.document.provider as { environment: Record<string, string> }).environment;
    assert.equal(env.P, 'given');
    assert.equal(env.E, 'set');
  });

  void it('names a variable it cannot resolve', () => {
    assert.throws(
      () => load('service: ${self:nope}\nprovider: { name: aws }'),
      (error: unknown) => {
        assert.ok(error instanceof ServerlessConfigError);
        assert.match(error.message, /self:nope/);
        return true;
      },
    );
  });

  void it('exposes functions with merged environment, timeout, concurrency and SQS mappings (fixture)', () => {
    const config = loadServerlessConfig({ path: FIXTURE_YML });
    const slow = config.functions.find((fn) => fn.name === 'slow')!;
    assert.equal(slow.functionName, 'fixture-test-slow');
    assert.equal(slow.bundleName, 'slow');
    assert.equal(slow.timeoutSeconds, 2);
    assert.equal(slow.memorySize, 256);
    assert.equal(slow.reservedConcurrency, 2);
    assert.deepEqual(slow.sqsEvents, [
      {
        queueLogicalId: 'SlowQueue',
        batchSize: 1,
        maximumBatchingWindowSeconds: 0,
        reportBatchItemFailures: true,
        enabled: true,
      },
    ]);
    const envA = config.functions.find((fn) => fn.name === 'env-a')!;
    assert.deepEqual(envA.environment.QUEUE_URL_NEXT, { Ref: 'EnvBQueue' });
    assert.equal(envA.environment.SHARED, 'shared-test');
    assert.deepEqual(
      resolveEnvironment(
        { U: { Ref: 'Q' }, A: { 'Fn::GetAtt': ['Q', 'Arn'] }, N: 3 },
        { queueUrls: { Q: 'http://q' }, queueArns: { Q: 'arn:q' } },
      ),
      { U: 'http://q', A: 'arn:q', N: '3' },
    );
    assert.throws(
      () => resolveEnvironment({ X: { Ref: 'Missing' } }, { queueUrls: {}, queueArns: {} }),
      ServerlessConfigError,
    );
  });

  void it('reads the project serverless.yml: six functions on their own queue with ReportBatchItemFailures, and the scheduled drift check', () => {
    const config = loadServerlessConfig({ stage: 'dev' });
    assert.deepEqual(
      config.functions.map((fn) => [
        fn.name,
        fn.sqsEvents[0]?.queueLogicalId,
        fn.sqsEvents[0]?.reportBatchItemFailures,
      ]),
      [
        ['halt', 'HaltQueue', true],
        ['apply-config', 'ApplyConfigQueue', true],
        ['restart-pod', 'RestartPodQueue', true],
        ['recover', 'RecoverQueue', true],
        ['resume', 'ResumeQueue', true],
        // No queue: an EventBridge schedule invokes it on AWS; locally `redis-reconfigure drift` runs the same step.
        ['drift', undefined, undefined],
        ['rollout', 'RolloutQueue', true],
      ],
    );
  });
});

void describe('judgeBatchResponse (Lambda ReportBatchItemFailures rules)', () => {
  const ids = ['m1', 'm2'];
  void it('treats empty answers as success', () => {
    for (const response of [undefined, null, '', {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      assert.deepEqual(judgeBatchResponse(response, ids, true), { outcome: 'success' }, JSON.stringify(response));
    }
  });
  void it('keeps only the listed records', () => {
    assert.deepEqual(judgeBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm2' }] }, ids, true), {
      outcome: 'partial-failure',
      failedMessageIds: ['m2'],
    });
  });
  void it('fails the whole batch on an invalid identifier or shape', () => {
    for (const response of [
      { batchItemFailures: [{ itemIdentifier: 'zz' }] },
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{ id: 'm1' }] },
      { batchItemFailures: 'm1' },
      42,
    ]) {
      assert.equal(judgeBatchResponse(response, ids, true).outcome, 'invalid-response', JSON.stringify(response));
    }
  });
  void it('ignores the response when the mapping does not report batch item failures', () => {
    assert.deepEqual(judgeBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm1' }] }, ids, false), {
      outcome: 'success',
    });
  });
});
