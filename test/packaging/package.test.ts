/**
 * `npm run package` produces the CloudFormation template AWS would deploy: these assertions pin the wiring the retry
 * contract depends on (partial batch responses, DLQ redrive), the fleet limits, the VPC, least-privilege IAM per
 * function, the events topic, alarms and logs. Two osls runs, shared by every assertion: the defaults (stage dev:
 * every optional feature off) and a stage with every optional parameter given.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadServerlessConfig, PROJECT_ROOT } from '../../infra/local/serverless-config.ts';
import { buildBundles } from '../../scripts/build.ts';
import { packageService } from '../../scripts/package.ts';
import {
  getAtt,
  ofType,
  policySummary,
  resolveTemplate,
  resourcesOf,
  statementsOf,
  actionsOf,
  type Template,
} from './cfn.ts';
import {
  checkDashboard,
  checkFunctionErrorAlarms,
  checkQueueAgeAlarms,
  checkStalledAlarm,
} from './observability-checks.ts';
import { analyseQueueSends, queuesSentTo, UNREACHABLE_SENDS } from './queue-sends.ts';
import {
  arnIn,
  basePolicy,
  DRIFT,
  EC2,
  FUNCTIONS,
  functionOf,
  NAMES,
  roleOf,
  VARIANT_PARAMS,
  type FunctionName,
} from './package-fixtures.ts';

void describe('serverless package (osls, offline)', () => {
  const config = loadServerlessConfig({ stage: 'dev' });
  const outDirs: string[] = [];
  let raw: Template;
  let dev: Template;
  let variant: Template;
  let variantState: { service: { provider: { region: string; stage: string } } };

  before(async () => {
    // `npm test` builds first; rebuilding here would rewrite dist/ under other suites that run the bundles.
    const built = config.functions.every((fn) => existsSync(resolve(PROJECT_ROOT, 'dist', fn.bundleName, 'index.mjs')));
    const out = (): string => {
      outDirs.push(mkdtempSync(join(tmpdir(), 'sls-package-')));
      return outDirs.at(-1)!;
    };
    // One after the other: osls stages every run in `.serverless` before moving it to the output directory.
    raw = (await packageService({ stage: 'dev', skipBuild: built, outDir: out() })).template;
    const prod = await packageService({
      stage: 'prod',
      region: 'eu-west-1',
      skipBuild: true,
      outDir: out(),
      params: VARIANT_PARAMS,
    });
    variant = resolveTemplate(prod.template);
    variantState = JSON.parse(readFileSync(join(dirname(prod.templatePath), 'serverless-state.json'), 'utf8'));
    dev = resolveTemplate(raw);
  });
  after(() => {
    for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
  });

  void it('declares seven Lambda functions on nodejs24.x with their own memory, timeout and role', () => {
    // The work-queue functions (NAMES) and the scheduled drift check (checked on its own below).
    assert.equal(ofType(dev.Resources, 'AWS::Lambda::Function').length, NAMES.length + 1);
    assert.equal(dev.Resources.IamRoleLambdaExecution, undefined, 'no shared default role');
    for (const name of NAMES) {
      const props = functionOf(dev, name).Properties!;
      assert.equal(props.Runtime, 'nodejs24.x');
      assert.equal(props.FunctionName, `redis-reconfigure-dev-${name}`);
      assert.deepEqual([props.MemorySize, props.Timeout], [FUNCTIONS[name].memory, FUNCTIONS[name].timeout], name);
      assert.equal(getAtt(props.Role), FUNCTIONS[name].role);
      // AWS refuses an event-source mapping whose queue's visibility timeout is shorter than the function timeout.
      const visibility = Number(dev.Resources[FUNCTIONS[name].input]!.Properties!.VisibilityTimeout);
      assert.ok(visibility >= 6 * FUNCTIONS[name].timeout, `${name}: visibility ${visibility} ≥ 6 × timeout`);
      assert.equal(Number(functionOf(variant, name).Properties!.Timeout), 25, `${name}: functionTimeout parameter`);
    }
  });

  void it('packages for the --region given', () => {
    assert.deepEqual(
      [variantState.service.provider.stage, variantState.service.provider.region],
      ['prod', 'eu-west-1'],
    );
  });

  void it('maps each work queue to its function: ReportBatchItemFailures, batch size, MaximumConcurrency from the parameter', () => {
    for (const [template, concurrency] of [
      [dev, 10],
      [variant, 25],
    ] as const) {
      const mappings = ofType(template.Resources, 'AWS::Lambda::EventSourceMapping');
      assert.equal(mappings.length, NAMES.length);
      for (const fn of config.functions.filter((f) => f.sqsEvents.length > 0)) {
        const name = fn.name as FunctionName;
        const mapping = mappings.find(([, m]) => getAtt(m.Properties?.EventSourceArn) === FUNCTIONS[name].input);
        assert.ok(mapping, `mapping for ${name}`);
        assert.equal(getAtt(mapping[1].Properties?.FunctionName), `${FUNCTIONS[name].logical}LambdaFunction`);
        assert.deepEqual(mapping[1].Properties?.FunctionResponseTypes, ['ReportBatchItemFailures']);
        assert.equal(mapping[1].Properties?.BatchSize, fn.sqsEvents[0]!.batchSize);
        assert.deepEqual(mapping[1].Properties?.ScalingConfig, { MaximumConcurrency: concurrency });
      }
    }
  });

  void it('gives every work queue a redrive policy to its own DLQ', () => {
    const maxReceiveCount = (config.document.custom as { maxReceiveCount: number }).maxReceiveCount;
    for (const name of NAMES) {
      const queue = FUNCTIONS[name].input;
      const dlq = queue.replace(/Queue$/, 'DLQ');
      const policy = dev.Resources[queue]?.Properties?.RedrivePolicy as {
        deadLetterTargetArn: unknown;
        maxReceiveCount: number;
      };
      assert.equal(getAtt(policy.deadLetterTargetArn), dlq);
      assert.equal(dev.Resources[dlq]?.Type, 'AWS::SQS::Queue');
      assert.equal(policy.maxReceiveCount, maxReceiveCount);
    }
  });

  void it('grants each role exactly its own log group, input queue, the queues it feeds and Publish on the topic', () => {
    for (const name of NAMES)
      assert.deepEqual(policySummary(roleOf(dev, name)), [...basePolicy(name, 'dev')].sort(), name);
  });

  // Derived from the code, so that a step gaining a send target without its IAM grant (or keeping a grant it no
  // longer needs) fails here rather than with AccessDenied on AWS, where the local stack cannot show it.
  void it('grants each function SendMessage on exactly the queues its bundled code can send to', async () => {
    const bundles = mkdtempSync(join(tmpdir(), 'bundles-'));
    outDirs.push(bundles);
    const reports = await buildBundles({ outDir: bundles, forwarder: false });
    const analysis = analyseQueueSends(
      PROJECT_ROOT,
      config.functions.map((fn) => `functions/${fn.bundleName}/handler.ts`),
    );
    assert.deepEqual(analysis.problems, []);
    for (const u of UNREACHABLE_SENDS)
      assert.ok(
        analysis.sends.some((s) => s.file === u.file && s.targets.includes(u.target)),
        `stale exception: ${u.file} no longer sends to ${u.target}`,
      );
    for (const fn of config.functions.filter((f) => f.name in FUNCTIONS)) {
      const name = fn.name as FunctionName;
      const props = functionOf(dev, name).Properties!;
      const inputs = reports.find((r) => r.bundle === fn.bundleName)?.inputs ?? [];
      assert.ok(inputs.includes(`functions/${fn.bundleName}/handler.ts`), `${name}: the bundle's inputs are known`);
      const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      const { queues, problems } = queuesSentTo(name, inputs, analysis, env, UNREACHABLE_SENDS);
      assert.deepEqual(problems, []);
      const granted = statementsOf(dev.Resources[getAtt(props.Role)!]!)
        .filter((s) => actionsOf(s).includes('sqs:SendMessage'))
        .flatMap(resourcesOf)
        .map((r) => getAtt(r) ?? JSON.stringify(r));
      for (const [queue, sites] of queues)
        assert.ok(granted.includes(queue), `${name} sends to ${queue} (${sites.join(', ')}) but its role may not`);
      for (const queue of granted)
        assert.ok(queues.has(queue), `${name}'s role may send to ${queue}, but its code never does`);
    }
  });

  void it('adds only what the given parameters need: PutEvents on the bus, the kubeconfig secrets, VPC interfaces', () => {
    for (const name of NAMES) {
      // The rollout publishes its own events on the topic only, and lists the cluster registry's secrets.
      const expected = [
        ...basePolicy(name, 'prod'),
        ...(name === 'rollout'
          ? ['secretsmanager:ListSecrets → *']
          : [`events:PutEvents → ${arnIn('events', 'event-bus/ops-bus')}`]),
        `secretsmanager:GetSecretValue → ${arnIn('secretsmanager', 'secret:fleet/kube/*')}`,
        `${EC2} → *`,
      ];
      assert.deepEqual(policySummary(roleOf(variant, name)), expected.sort(), name);
    }
  });

  void it('allows eks:DescribeCluster only when CLUSTER_ACCESS is eks', () => {
    const eks = resolveTemplate(raw, { UsesEksAccess: true });
    for (const name of NAMES) {
      const extra = policySummary(roleOf(eks, name)).filter((s) => !basePolicy(name, 'dev').includes(s));
      assert.deepEqual(extra, [`eks:DescribeCluster → split:,:${arnIn('eks', 'cluster/*')}`], name);
    }
  });

  void it('uses `*` only for the EC2 interface actions AWS requires it for, and no wildcard action anywhere', () => {
    for (const template of [dev, variant]) {
      for (const [roleId, role] of ofType(template.Resources, 'AWS::IAM::Role')) {
        for (const s of statementsOf(role)) {
          assert.ok(
            actionsOf(s).every((a) => !a.includes('*')),
            `${roleId}: ${actionsOf(s).join(',')}`,
          );
          // ListSecrets takes no resource-level restriction either (the fleet's cluster registry).
          if (resourcesOf(s).includes('*'))
            assert.ok(
              actionsOf(s).every(
                (a) => a.startsWith('ec2:') || (roleId === 'RolloutRole' && a === 'secretsmanager:ListSecrets'),
              ),
              `${roleId}: * on ${actionsOf(s).join(',')}`,
            );
        }
      }
    }
  });

  void it('puts the functions in the VPC only when subnet and security group ids are given, and hard-codes none', () => {
    for (const name of NAMES) {
      assert.equal(functionOf(dev, name).Properties!.VpcConfig, undefined, name);
      assert.deepEqual(functionOf(variant, name).Properties!.VpcConfig, {
        SubnetIds: { 'Fn::Split': [',', 'subnet-0aa,subnet-0bb'] },
        SecurityGroupIds: { 'Fn::Split': [',', 'sg-0cc'] },
      });
    }
    assert.doesNotMatch(
      readFileSync(resolve(PROJECT_ROOT, 'serverless.yml'), 'utf8'),
      /\b(subnet|sg|vpc)-[0-9a-f]{3,}/,
    );
  });

  void it('attaches the kubeconfig layer only when its ARN is given (kubeconfig-dir mode on AWS)', () => {
    for (const name of NAMES) {
      assert.equal(functionOf(dev, name).Properties!.Layers, undefined, name);
      assert.deepEqual(functionOf(variant, name).Properties!.Layers, [VARIANT_PARAMS.kubeconfigLayerArn], name);
    }
  });

  void it('alarms on every DLQ holding a message, notifying the alarm topic when one is given', () => {
    for (const [template, actions] of [
      [dev, undefined],
      [variant, [VARIANT_PARAMS.alarmTopicArn]],
    ] as const) {
      const alarms = ofType(template.Resources, 'AWS::CloudWatch::Alarm').filter(
        ([, a]) => a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible',
      );
      assert.equal(alarms.length, NAMES.length);
      for (const name of NAMES) {
        const dlq = FUNCTIONS[name].input.replace(/Queue$/, 'DLQ');
        const alarm = alarms.find(
          ([, a]) => getAtt((a.Properties?.Dimensions as { Value: unknown }[])[0]?.Value, 'QueueName') === dlq,
        );
        assert.ok(alarm, `alarm on ${dlq}`);
        const p = alarm[1].Properties!;
        assert.deepEqual(
          [p.Namespace, p.MetricName, p.ComparisonOperator, p.Threshold, p.TreatMissingData],
          ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'GreaterThanThreshold', 0, 'notBreaching'],
        );
        assert.deepEqual(p.AlarmActions, actions);
        assert.deepEqual(p.OKActions, actions);
      }
    }
  });

  void it('alarms on function errors, on the oldest message of each work queue and on stalled ops requests', () => {
    for (const [template, stage, age, actions] of [
      [dev, 'dev', 300, undefined],
      [variant, 'prod', 900, [VARIANT_PARAMS.alarmTopicArn]],
    ] as const) {
      checkFunctionErrorAlarms(
        template,
        Object.values(FUNCTIONS).map((f) => f.logical),
        actions,
      );
      checkQueueAgeAlarms(
        template,
        Object.values(FUNCTIONS).map((f) => f.input),
        age,
        actions,
      );
      checkStalledAlarm(template, `redis-reconfigure-${stage}`, actions);
    }
  });

  void it('has a dashboard of the metrics the functions emit, next to Lambda errors, queue age and DLQ depth', () => {
    checkDashboard(dev, 'dev', 'us-east-1');
    checkDashboard(variant, 'prod', 'eu-west-1');
  });

  void it('creates one log group per function, with the retention parameter', () => {
    for (const [template, stage, days] of [
      [dev, 'dev', 14],
      [variant, 'prod', 30],
    ] as const) {
      const groups = ofType(template.Resources, 'AWS::Logs::LogGroup').map(([, g]) => g.Properties!);
      assert.deepEqual(
        groups.map((g) => g.LogGroupName).sort(),
        [...NAMES, 'drift'].map((n) => `/aws/lambda/redis-reconfigure-${stage}-${n}`).sort(),
      );
      assert.ok(groups.every((g) => g.RetentionInDays === days));
    }
  });

  void it('gives every function the same environment: cluster access, stall threshold, events topic, bus, queues', () => {
    const keys = [
      'CLUSTERS_CONFIG',
      'CLUSTER_ACCESS',
      'DRIFT_SCOPE',
      'EVENTS_TOPIC_ARN',
      'EVENT_BUS_NAME',
      'KUBECONFIG_DIR',
      'KUBECONFIG_SECRET_PREFIX',
      'KUBECONFIG_SECRET_TTL_SECONDS',
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'QUEUE_URL_APPLY_CONFIG',
      'QUEUE_URL_HALT',
      'QUEUE_URL_RESTART_POD',
      'QUEUE_URL_RESUME',
      'STALL_SECONDS',
    ];
    const envOf = (t: Template, name: FunctionName): Record<string, unknown> =>
      (functionOf(t, name).Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    const rolloutKeys = ['CLUSTER_REGISTRY_SECRET_PREFIX', 'QUEUE_URL_ROLLOUT'];
    for (const name of NAMES) {
      const env = envOf(dev, name);
      assert.deepEqual(Object.keys(env).sort(), name === 'rollout' ? [...keys, ...rolloutKeys].sort() : keys, name);
      assert.deepEqual(env.EVENTS_TOPIC_ARN, { Ref: 'EventsTopic' });
      assert.deepEqual(env.QUEUE_URL_RESUME, { Ref: 'ResumeQueue' });
      assert.equal(env.POWERTOOLS_SERVICE_NAME, 'redis-reconfigure-dev');
      assert.deepEqual(
        [
          env.CLUSTER_ACCESS,
          env.CLUSTERS_CONFIG,
          env.EVENT_BUS_NAME,
          String(env.STALL_SECONDS),
          String(env.KUBECONFIG_SECRET_TTL_SECONDS),
        ],
        ['kubeconfig-dir', '{}', '', '60', '300'],
      );
      const prod = envOf(variant, name);
      assert.deepEqual(
        [
          prod.CLUSTER_ACCESS,
          prod.KUBECONFIG_SECRET_PREFIX,
          prod.EVENT_BUS_NAME,
          String(prod.STALL_SECONDS),
          String(prod.KUBECONFIG_SECRET_TTL_SECONDS),
        ],
        ['secrets-manager', 'fleet/kube/', 'ops-bus', '90', '600'],
      );
      assert.deepEqual(JSON.parse(String(prod.CLUSTERS_CONFIG)), { 'eu-prod-1': { region: 'eu-west-1' } });
    }
  });

  void it('declares the FIFO events topic and outputs what a deployer needs (topic ARN, role ARNs)', () => {
    assert.deepEqual(dev.Resources.EventsTopic, {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: 'redis-reconfigure-dev-events.fifo', FifoTopic: true, ContentBasedDeduplication: false },
    });
    assert.deepEqual(dev.Outputs?.EventsTopicArn?.Value, { Ref: 'EventsTopic' });
    for (const name of NAMES)
      assert.equal(getAtt(dev.Outputs?.[`${FUNCTIONS[name].role}Arn`]?.Value), FUNCTIONS[name].role);
    assert.deepEqual(dev.Outputs?.HaltQueueUrl?.Value, { Ref: 'HaltQueue' });
  });

  void it('runs the drift check on the schedule parameter, with its own role: logs, the events topic, cluster access', () => {
    const fn = dev.Resources[`${DRIFT.logical}LambdaFunction`]!.Properties!;
    assert.deepEqual([fn.Runtime, fn.MemorySize, fn.Timeout], ['nodejs24.x', DRIFT.memory, DRIFT.timeout]);
    assert.equal(getAtt(fn.Role), DRIFT.role);
    const rules = ofType(dev.Resources, 'AWS::Events::Rule').map(([, r]) => r.Properties!);
    assert.deepEqual(
      rules.map((r) => r.ScheduleExpression),
      ['rate(15 minutes)'],
    );
    assert.deepEqual(
      (fn.Environment as { Variables: Record<string, unknown> }).Variables.DRIFT_SCOPE,
      '{}',
      'checks nothing until driftScope is given',
    );
    // No queue to read or feed: the result goes to the cluster (condition, Event) and to the events topic.
    assert.deepEqual(policySummary(dev.Resources[DRIFT.role]!), [
      `logs:CreateLogStream,logs:PutLogEvents → ${arnIn('logs', 'log-group:/aws/lambda/redis-reconfigure-dev-drift:*')}`,
      'sns:Publish → ref:EventsTopic',
    ]);
    assert.ok(
      policySummary(variant.Resources[DRIFT.role]!).includes(
        `events:PutEvents → ${arnIn('events', 'event-bus/ops-bus')}`,
      ),
      'and to the EventBridge bus when one is given',
    );
    assert.equal(getAtt(dev.Outputs?.DriftRoleArn?.Value), DRIFT.role);
  });

  void it('offers the forwarders a managed policy that can only send to halt, recover and (wake-ups) restart-pod', () => {
    const policy = dev.Resources.ForwarderSendPolicy!;
    assert.equal(policy.Type, 'AWS::IAM::ManagedPolicy');
    assert.deepEqual(policySummary(policy), ['sqs:SendMessage → HaltQueue,RecoverQueue,RestartPodQueue']);
    assert.deepEqual(dev.Outputs?.ForwarderSendPolicyArn?.Value, { Ref: 'ForwarderSendPolicy' });
    // The hub's forwarder announces fleet rollouts: a policy of its own, the rollout queue only.
    assert.deepEqual(policySummary(dev.Resources.HubForwarderSendPolicy!), ['sqs:SendMessage → RolloutQueue']);
  });
});
