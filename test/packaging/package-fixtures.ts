/** The functions serverless.yml declares, what each reads and may send, and the parameters of the variant stage. */
import type { Resource, Template } from './cfn.ts';

export const FUNCTIONS = {
  halt: {
    logical: 'Halt',
    role: 'HaltRole',
    input: 'HaltQueue',
    sends: ['ApplyConfigQueue', 'HaltQueue', 'ResumeQueue'],
    memory: 512,
    timeout: 30,
  },
  'apply-config': {
    logical: 'ApplyDashconfig',
    role: 'ApplyConfigRole',
    input: 'ApplyConfigQueue',
    sends: ['RestartPodQueue', 'ResumeQueue'],
    memory: 1024,
    timeout: 30,
  },
  'restart-pod': {
    logical: 'RestartDashpod',
    role: 'RestartPodRole',
    input: 'RestartPodQueue',
    sends: ['RestartPodQueue', 'ResumeQueue'],
    memory: 512,
    timeout: 30,
  },
  recover: {
    logical: 'Recover',
    role: 'RecoverRole',
    input: 'RecoverQueue',
    sends: ['ApplyConfigQueue', 'RestartPodQueue', 'ResumeQueue'],
    memory: 512,
    timeout: 30,
  },
  resume: { logical: 'Resume', role: 'ResumeRole', input: 'ResumeQueue', sends: [], memory: 512, timeout: 30 },
  rollout: {
    logical: 'Rollout',
    role: 'RolloutRole',
    input: 'RolloutQueue',
    sends: ['RolloutQueue'],
    memory: 512,
    timeout: 30,
  },
} as const;
export type FunctionName = keyof typeof FUNCTIONS;
/** The functions that read a work queue; the scheduled drift check (DRIFT) has none and is checked on its own. */
export const NAMES = Object.keys(FUNCTIONS) as FunctionName[];
export const DRIFT = { logical: 'Drift', role: 'DriftRole', memory: 512, timeout: 30 } as const;

export const VARIANT_PARAMS = {
  subnetIds: 'subnet-0aa,subnet-0bb',
  securityGroupIds: 'sg-0cc',
  clusterAccess: 'secrets-manager',
  kubeconfigSecretPrefix: 'fleet/kube/',
  clustersConfig: '{"eu-prod-1":{"region":"eu-west-1"}}',
  eventBusName: 'ops-bus',
  alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops-alarms',
  maximumConcurrency: '25',
  logRetentionInDays: '30',
  stallSeconds: '90',
  kubeconfigSecretTtlSeconds: '600',
  functionTimeout: '25',
  kubeconfigLayerArn: 'arn:aws:lambda:eu-west-1:123456789012:layer:redis-reconfigure-kubeconfigs:3',
  queueAgeAlarmSeconds: '900',
};

const ACCOUNT = 'arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}';
export const arnIn = (service: string, rest: string): string => `${ACCOUNT.replace('%s', service)}:${rest}`;
export const RECEIVE = 'sqs:ChangeMessageVisibility,sqs:DeleteMessage,sqs:GetQueueAttributes,sqs:ReceiveMessage';
export const EC2 =
  'ec2:AssignPrivateIpAddresses,ec2:CreateNetworkInterface,ec2:DeleteNetworkInterface,ec2:DescribeNetworkInterfaces,ec2:DescribeSubnets,ec2:UnassignPrivateIpAddresses';

/** The statements every role must have, and nothing else. */
export function basePolicy(name: FunctionName, stage: string): string[] {
  const fn = FUNCTIONS[name];
  return [
    `logs:CreateLogStream,logs:PutLogEvents → ${arnIn('logs', `log-group:/aws/lambda/redis-reconfigure-${stage}-${name}:*`)}`,
    `${RECEIVE} → ${fn.input}`,
    ...(fn.sends.length > 0 ? [`sqs:SendMessage → ${[...fn.sends].sort().join(',')}`] : []),
    'sns:Publish → ref:EventsTopic',
  ];
}

export const functionOf = (t: Template, name: FunctionName): Resource =>
  t.Resources[`${FUNCTIONS[name].logical}LambdaFunction`]!;
export const roleOf = (t: Template, name: FunctionName): Resource => t.Resources[FUNCTIONS[name].role]!;
