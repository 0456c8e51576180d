/**
 * `npm run package` produces the CloudFormation template AWS would deploy: these assertions pin the wiring that
 * the retry contract depends on (partial batch responses, DLQ redrive) and least-privilege IAM per function.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadServerlessConfig, PROJECT_ROOT } from '../../infra/local/serverless-config.ts';
import { packageService, type PackageResult } from '../../scripts/package.ts';

type Resource = PackageResult['template']['Resources'][string];

/** Function → the queues (logical ids) it may SendMessage to. */
const SENDS: Record<string, string[]> = {
  halt: ['HaltQueue', 'ApplyConfigQueue', 'ResumeQueue'],
  'apply-config': ['RestartPodQueue', 'ResumeQueue'],
  'restart-pod': ['RestartPodQueue', 'ResumeQueue'],
  resume: [],
};

const INPUT: Record<string, string> = {
  halt: 'HaltQueue',
  'apply-config': 'ApplyConfigQueue',
  'restart-pod': 'RestartPodQueue',
  resume: 'ResumeQueue',
};

function ofType(resources: Record<string, Resource>, type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

function getAtt(value: unknown): string | undefined {
  const att = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return att?.[1] === 'Arn' ? att[0] : undefined;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

function statementsOf(role: Resource): Statement[] {
  const policies = (role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

void describe('serverless package (osls, offline)', () => {
  let resources: Record<string, Resource>;
  const config = loadServerlessConfig();

  before(async () => {
    // `npm test` builds first; rebuilding here would rewrite dist/ under other suites that run the bundles.
    const built = config.functions.every((fn) => existsSync(resolve(PROJECT_ROOT, 'dist', fn.bundleName, 'index.mjs')));
    resources = (await packageService({ stage: 'dev', skipBuild: built })).template.Resources;
  });

  void it('declares four Lambda functions on nodejs24.x, each with its own role', () => {
    const functions = ofType(resources, 'AWS::Lambda::Function');
    assert.equal(functions.length, 4);
    for (const [, fn] of functions) {
      assert.equal(fn.Properties?.Runtime, 'nodejs24.x');
      const role = getAtt(fn.Properties?.Role);
      assert.ok(role, 'role is a !GetAtt of a role in this template');
      assert.equal(resources[role]?.Type, 'AWS::IAM::Role');
    }
    assert.equal(resources.IamRoleLambdaExecution, undefined, 'no shared default role');
  });

  void it('maps each work queue to its function with ReportBatchItemFailures and the batch size from serverless.yml', () => {
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping');
    assert.equal(mappings.length, 4);
    for (const fn of config.functions) {
      const event = fn.sqsEvents[0]!;
      const mapping = mappings.find(([, m]) => getAtt(m.Properties?.EventSourceArn) === event.queueLogicalId);
      assert.ok(mapping, `mapping for ${fn.name}`);
      assert.deepEqual(mapping[1].Properties?.FunctionResponseTypes, ['ReportBatchItemFailures']);
      assert.equal(mapping[1].Properties?.BatchSize, event.batchSize);
      assert.equal(event.queueLogicalId, INPUT[fn.name]);
    }
  });

  void it('gives every work queue a redrive policy to its own DLQ', () => {
    const maxReceiveCount = (config.document.custom as { maxReceiveCount: number }).maxReceiveCount;
    for (const queue of Object.values(INPUT)) {
      const policy = resources[queue]?.Properties?.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      assert.ok(policy, `${queue} has a RedrivePolicy`);
      assert.equal(getAtt(policy.deadLetterTargetArn), queue.replace(/Queue$/, 'DLQ'));
      assert.equal(resources[queue.replace(/Queue$/, 'DLQ')]?.Type, 'AWS::SQS::Queue');
      assert.equal(policy.maxReceiveCount, maxReceiveCount);
    }
  });

  void it('lets each function consume only its own queue and send only to the queues it feeds', () => {
    const functions = ofType(resources, 'AWS::Lambda::Function');
    for (const [, fn] of functions) {
      const name = String(fn.Properties?.FunctionName).replace(/^redis-reconfigure-dev-/, '');
      const statements = statementsOf(resources[getAtt(fn.Properties?.Role)!]!);
      const sqsTargets = (action: string): string[] =>
        statements
          .filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a === action || a === 'sqs:*' || a === '*'))
          .flatMap((s) => resourcesOf(s).map((r) => getAtt(r) ?? JSON.stringify(r)))
          .sort();
      assert.deepEqual(sqsTargets('sqs:SendMessage'), [...SENDS[name]!].sort(), `${name} SendMessage`);
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility']) {
        assert.deepEqual(sqsTargets(action), [INPUT[name]], `${name} ${action}`);
      }
      assert.ok(statements.some((s) => actionsOf(s).includes('logs:PutLogEvents')), `${name} can write its logs`);
    }
  });
});
