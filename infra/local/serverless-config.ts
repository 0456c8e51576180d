/**
 * Reads serverless.yml — the one source of truth for functions, queues, DLQs, redrive and event-source mappings —
 * so the local stack and the build wire exactly what `serverless package` deploys.
 *
 * Only the subset this project uses is understood: CloudFormation short-form tags become their long-form objects
 * (`!Ref X` → `{ Ref: X }`), and the simple Serverless v3 variables `${self:a.b}`, `${sls:stage}`,
 * `${opt:stage|region, 'x'}`, `${param:x, 'y'}`, `${env:X, 'y'}` are resolved. CloudFormation pseudo-parameters
 * inside `Fn::Sub` (`${AWS::Region}`) are not Serverless variables and are left untouched, as osls does.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

export class ServerlessConfigError extends Error {
  override name = 'ServerlessConfigError';
}

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_SERVERLESS_YML = resolve(PROJECT_ROOT, 'serverless.yml');

/** A CloudFormation intrinsic kept as data (e.g. `{ Ref: 'HaltQueue' }`, `{ 'Fn::GetAtt': ['HaltQueue', 'Arn'] }`). */
type Intrinsic = Record<string, unknown>;
type EnvValue = string | number | boolean | Intrinsic;

export interface SqsEventMapping {
  queueLogicalId: string;
  /** Lambda's default for SQS is 10. */
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  maximumConcurrency?: number;
  enabled: boolean;
}

export interface FunctionConfig {
  /** Key under `functions:` (e.g. `halt`). */
  name: string;
  handler: string;
  /** `dist/<bundleName>/index.<export>`: the folder esbuild writes and the runner imports. */
  bundleName: string;
  handlerExport: string;
  /** Deployed name: `<service>-<stage>-<name>`, as Serverless names it. */
  functionName: string;
  timeoutSeconds: number;
  memorySize: number;
  reservedConcurrency?: number;
  /** provider.environment merged with the function's own (function wins), intrinsics unresolved. */
  environment: Record<string, EnvValue>;
  sqsEvents: SqsEventMapping[];
}

export interface QueueConfig {
  logicalId: string;
  queueName: string;
  fifo: boolean;
  visibilityTimeoutSeconds?: number;
  messageRetentionPeriodSeconds?: number;
  delaySeconds?: number;
  receiveMessageWaitTimeSeconds?: number;
  redrive?: { deadLetterLogicalId: string; maxReceiveCount: number };
}

/** An `AWS::SNS::Topic` the stack declares (the local stack creates it on the same emulator as the queues). */
export interface TopicConfig {
  logicalId: string;
  topicName: string;
  fifo: boolean;
  contentBasedDeduplication: boolean;
}

/**
 * An `AWS::SNS::Subscription` of a queue to a topic the stack declares (the local stack subscribes it the same way).
 * Attributes as the Subscribe API takes them: strings, the filter policy as JSON text.
 */
export interface SubscriptionConfig {
  logicalId: string;
  topicLogicalId: string;
  queueLogicalId: string;
  attributes: Record<string, string>;
}

export interface ServerlessConfig {
  path: string;
  service: string;
  stage: string;
  region: string;
  functions: FunctionConfig[];
  queues: QueueConfig[];
  topics: TopicConfig[];
  subscriptions: SubscriptionConfig[];
  /** The whole document with variables resolved and tags as intrinsic objects. */
  document: Record<string, unknown>;
}

interface LoadServerlessConfigOptions {
  path?: string;
  stage?: string;
  region?: string;
  params?: Record<string, string>;
  env?: Record<string, string | undefined>;
}

const CFN_FUNCTIONS = ['Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not'];
const CFN_MORE_FUNCTIONS = ['And', 'Or', 'Select', 'Split', 'Sub', 'Transform'];

/** CloudFormation short-form tags → long form, in scalar, sequence and mapping flavours. */
function cloudFormationTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [
    { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
    { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
    { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': splitGetAtt(value) }) },
    collectionTag('!GetAtt', 'seq', 'Fn::GetAtt'),
  ];
  for (const fn of [...CFN_FUNCTIONS, ...CFN_MORE_FUNCTIONS]) {
    const key = `Fn::${fn}`;
    tags.push({ tag: `!${fn}`, resolve: (value: string) => ({ [key]: value }) });
    tags.push(collectionTag(`!${fn}`, 'seq', key), collectionTag(`!${fn}`, 'map', key));
  }
  return tags;
}

function collectionTag(tag: string, collection: 'seq' | 'map', key: string): CollectionTag {
  return { tag, collection, resolve: (node: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [key]: node.toJSON() as unknown }) };
}

function splitGetAtt(value: string): [string, string] {
  const dot = value.indexOf('.');
  if (dot <= 0) throw new ServerlessConfigError(`!GetAtt ${value}: expected Resource.Attribute`);
  return [value.slice(0, dot), value.slice(dot + 1)];
}

/** Parses serverless.yml text; CloudFormation tags become intrinsic objects, variables stay as written. */
export function parseServerlessYaml(text: string): Record<string, unknown> {
  const doc: unknown = parse(text, { customTags: cloudFormationTags() });
  if (!isRecord(doc)) throw new ServerlessConfigError('serverless.yml: top level must be a mapping');
  return doc;
}

interface VariableContext {
  document: Record<string, unknown>;
  options: LoadServerlessConfigOptions;
  stage: () => string;
  depth: number;
}

// Innermost `${...}` first, so a fallback may itself be a variable.
const VARIABLE = /\$\{([^{}]+)\}/;
const KNOWN_SOURCE = /^\s*(self|sls|opt|param|env):/;

/** Resolves Serverless variables in every string of `value`; a whole-string variable keeps its type. */
function resolveVariables(value: unknown, context: VariableContext): unknown {
  if (typeof value === 'string') return resolveString(value, context);
  if (Array.isArray(value)) return value.map((item) => resolveVariables(item, context));
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVariables(v, context)]));
  }
  return value;
}

function resolveString(text: string, context: VariableContext): unknown {
  if (context.depth > 20) throw new ServerlessConfigError(`variable recursion too deep in "${text}"`);
  let rest = text;
  let out = '';
  for (;;) {
    const match = VARIABLE.exec(rest);
    if (!match) return out + rest;
    const expression = match[1] ?? '';
    if (!KNOWN_SOURCE.test(expression)) {
      // `${AWS::Region}` and friends belong to Fn::Sub, not to Serverless.
      out += rest.slice(0, match.index + match[0].length);
      rest = rest.slice(match.index + match[0].length);
      continue;
    }
    const resolved = resolveExpression(expression, { ...context, depth: context.depth + 1 });
    if (out === '' && match.index === 0 && match[0].length === rest.length) return resolved;
    rest = rest.slice(0, match.index) + String(resolved) + rest.slice(match.index + match[0].length);
  }
}

function resolveExpression(expression: string, context: VariableContext): unknown {
  const [reference = '', fallbackText] = splitFallback(expression);
  const colon = reference.indexOf(':');
  const source = reference.slice(0, colon).trim();
  const address = reference.slice(colon + 1).trim();
  const found = lookup(source, address, context);
  if (found !== undefined) return found;
  if (fallbackText !== undefined) return parseFallback(fallbackText.trim(), context);
  throw new ServerlessConfigError(`cannot resolve \${${expression}} (no value and no fallback)`);
}

function lookup(source: string, address: string, context: VariableContext): unknown {
  const { options } = context;
  switch (source) {
    case 'self': {
      const raw = address
        .split('.')
        .reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), context.document);
      return raw === undefined ? undefined : resolveVariables(raw, context);
    }
    case 'sls':
      if (address === 'stage') return context.stage();
      throw new ServerlessConfigError(`unsupported variable \${sls:${address}}`);
    case 'opt':
      if (address === 'stage') return options.stage;
      if (address === 'region') return options.region;
      return undefined;
    case 'param':
      // Serverless v3 stage parameters: the caller's params, then `params.<stage>`, then `params.default`.
      return (
        options.params?.[address] ??
        stageParam(context, context.stage(), address) ??
        stageParam(context, 'default', address)
      );
    case 'env':
      return (options.env ?? process.env)[address];
    default:
      throw new ServerlessConfigError(`unsupported variable source "${source}"`);
  }
}

function stageParam(context: VariableContext, stage: string, address: string): unknown {
  const params = context.document['params'];
  const forStage = isRecord(params) ? params[stage] : undefined;
  const raw = isRecord(forStage) ? forStage[address] : undefined;
  return raw === undefined ? undefined : resolveVariables(raw, context);
}

function splitFallback(expression: string): [string, string?] {
  const comma = expression.indexOf(',');
  if (comma < 0) return [expression];
  return [expression.slice(0, comma), expression.slice(comma + 1)];
}

function parseFallback(text: string, context: VariableContext): unknown {
  const quoted = /^(['"])(.*)\1$/s.exec(text);
  if (quoted) return quoted[2];
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return resolveString(text, context);
}

/** Loads serverless.yml, resolves its variables and exposes functions, queues and SQS event-source mappings. */
export function loadServerlessConfig(options: LoadServerlessConfigOptions = {}): ServerlessConfig {
  const path = options.path ?? DEFAULT_SERVERLESS_YML;
  const raw = parseServerlessYaml(readFileSync(path, 'utf8'));
  const stageContext: VariableContext = { document: raw, options, stage: () => 'dev', depth: 0 };
  const providerStage = resolveVariables(record(raw.provider).stage, stageContext);
  const stage = options.stage ?? (typeof providerStage === 'string' ? providerStage : 'dev');
  const context: VariableContext = { document: raw, options: { ...options, stage }, stage: () => stage, depth: 0 };
  const document = record(resolveVariables(raw, context));
  const service = String(document.service);
  const provider = record(document.provider);
  const region = stringOf(provider.region ?? options.region ?? 'us-east-1', 'provider.region');
  return {
    path,
    service,
    stage,
    region,
    functions: Object.entries(record(document.functions)).map(([name, fn]) =>
      toFunctionConfig(name, record(fn), provider, `${service}-${stage}`),
    ),
    queues: toQueueConfigs(record(record(document.resources).Resources)),
    topics: toTopicConfigs(record(record(document.resources).Resources)),
    subscriptions: toSubscriptionConfigs(record(record(document.resources).Resources)),
    document,
  };
}

function toFunctionConfig(
  name: string,
  fn: Record<string, unknown>,
  provider: Record<string, unknown>,
  prefix: string,
): FunctionConfig {
  const handler = String(fn.handler);
  const handlerMatch = /^dist\/([^/]+)\/index\.([A-Za-z_$][\w$]*)$/.exec(handler);
  if (!handlerMatch)
    throw new ServerlessConfigError(`function ${name}: handler must be dist/<name>/index.<export>, got ${handler}`);
  const config: FunctionConfig = {
    name,
    handler,
    bundleName: handlerMatch[1] ?? name,
    handlerExport: handlerMatch[2] ?? 'handler',
    functionName: typeof fn.name === 'string' ? fn.name : `${prefix}-${name}`,
    // Serverless v3 defaults: timeout 6 s, memory 1024 MB.
    timeoutSeconds: Number(fn.timeout ?? provider.timeout ?? 6),
    memorySize: Number(fn.memorySize ?? provider.memorySize ?? 1024),
    environment: {
      ...(record(provider.environment) as Record<string, EnvValue>),
      ...(record(fn.environment) as Record<string, EnvValue>),
    },
    sqsEvents: toSqsEvents(name, fn.events),
  };
  if (fn.reservedConcurrency !== undefined) config.reservedConcurrency = Number(fn.reservedConcurrency);
  return config;
}

function toSqsEvents(name: string, events: unknown): SqsEventMapping[] {
  if (!Array.isArray(events)) return [];
  return events.flatMap((event): SqsEventMapping[] => {
    const sqs = isRecord(event) ? event.sqs : undefined;
    if (sqs === undefined) return [];
    const spec = typeof sqs === 'string' ? { arn: sqs } : record(sqs);
    const queueLogicalId = getAttResource(spec.arn);
    if (!queueLogicalId) throw new ServerlessConfigError(`function ${name}: sqs arn must be !GetAtt <Queue>.Arn`);
    const mapping: SqsEventMapping = {
      queueLogicalId,
      batchSize: Number(spec.batchSize ?? 10),
      maximumBatchingWindowSeconds: Number(spec.maximumBatchingWindow ?? 0),
      reportBatchItemFailures: spec.functionResponseType === 'ReportBatchItemFailures',
      enabled: spec.enabled !== false,
    };
    const maximumConcurrency = record(spec.scalingConfig ?? {}).maximumConcurrency ?? spec.maximumConcurrency;
    if (maximumConcurrency !== undefined) mapping.maximumConcurrency = Number(maximumConcurrency);
    return [mapping];
  });
}

function toQueueConfigs(resources: Record<string, unknown>): QueueConfig[] {
  return Object.entries(resources).flatMap(([logicalId, resource]): QueueConfig[] => {
    if (!isRecord(resource) || resource.Type !== 'AWS::SQS::Queue') return [];
    const props = record(resource.Properties ?? {});
    const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
    const queue: QueueConfig = {
      logicalId,
      queueName: stringOf(props.QueueName ?? logicalId, `${logicalId}.QueueName`),
      fifo,
    };
    if (props.VisibilityTimeout !== undefined) queue.visibilityTimeoutSeconds = Number(props.VisibilityTimeout);
    if (props.MessageRetentionPeriod !== undefined)
      queue.messageRetentionPeriodSeconds = Number(props.MessageRetentionPeriod);
    if (props.DelaySeconds !== undefined) queue.delaySeconds = Number(props.DelaySeconds);
    if (props.ReceiveMessageWaitTimeSeconds !== undefined)
      queue.receiveMessageWaitTimeSeconds = Number(props.ReceiveMessageWaitTimeSeconds);
    if (props.RedrivePolicy !== undefined) {
      const policy = record(props.RedrivePolicy);
      const deadLetterLogicalId = getAttResource(policy.deadLetterTargetArn);
      if (!deadLetterLogicalId)
        throw new ServerlessConfigError(`queue ${logicalId}: deadLetterTargetArn must be !GetAtt <Queue>.Arn`);
      queue.redrive = { deadLetterLogicalId, maxReceiveCount: Number(policy.maxReceiveCount) };
    }
    return [queue];
  });
}

function toTopicConfigs(resources: Record<string, unknown>): TopicConfig[] {
  return Object.entries(resources).flatMap(([logicalId, resource]): TopicConfig[] => {
    if (!isRecord(resource) || resource.Type !== 'AWS::SNS::Topic') return [];
    const props = record(resource.Properties ?? {});
    return [
      {
        logicalId,
        topicName: stringOf(props.TopicName ?? logicalId, `${logicalId}.TopicName`),
        fifo: props.FifoTopic === true || props.FifoTopic === 'true',
        contentBasedDeduplication:
          props.ContentBasedDeduplication === true || props.ContentBasedDeduplication === 'true',
      },
    ];
  });
}

/** The SQS subscriptions; the properties CloudFormation passes on as subscription attributes, as the API spells them. */
function toSubscriptionConfigs(resources: Record<string, unknown>): SubscriptionConfig[] {
  return Object.entries(resources).flatMap(([logicalId, resource]): SubscriptionConfig[] => {
    if (!isRecord(resource) || resource.Type !== 'AWS::SNS::Subscription') return [];
    const props = record(resource.Properties ?? {});
    const topicRef = isRecord(props.TopicArn) ? props.TopicArn.Ref : undefined;
    const queueLogicalId = getAttResource(props.Endpoint);
    if (props.Protocol !== 'sqs' || typeof topicRef !== 'string' || queueLogicalId === undefined)
      throw new ServerlessConfigError(
        `subscription ${logicalId}: only Protocol sqs with TopicArn !Ref <Topic> and Endpoint !GetAtt <Queue>.Arn`,
      );
    const attributes: Record<string, string> = {};
    for (const name of ['RawMessageDelivery', 'FilterPolicyScope'] as const) {
      const value = props[name];
      if (typeof value === 'boolean') attributes[name] = String(value);
      else if (value !== undefined) attributes[name] = stringOf(value, `${logicalId}.${name}`);
    }
    if (props.FilterPolicy !== undefined)
      attributes.FilterPolicy =
        typeof props.FilterPolicy === 'string' ? props.FilterPolicy : JSON.stringify(props.FilterPolicy);
    return [{ logicalId, topicLogicalId: topicRef, queueLogicalId, attributes }];
  });
}

/** `{ 'Fn::GetAtt': ['HaltQueue', 'Arn'] }` → `HaltQueue`. */
function getAttResource(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

export interface QueueRefs {
  queueUrls: Record<string, string>;
  queueArns: Record<string, string>;
  /** SNS topics by logical id: `!Ref Topic` is the topic ARN in CloudFormation. */
  topicArns?: Record<string, string>;
}

/**
 * Environment with `!Ref Queue` → local queue URL, `!GetAtt Queue.Arn` → local ARN and `!Ref Topic` → local topic
 * ARN (what CloudFormation does).
 */
export function resolveEnvironment(environment: Record<string, EnvValue>, refs: QueueRefs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(environment)) {
    if (!isRecord(value)) {
      out[key] = String(value);
      continue;
    }
    const ref = value.Ref;
    const arnOf = getAttResource(value);
    const resolved =
      typeof ref === 'string'
        ? (refs.queueUrls[ref] ?? refs.topicArns?.[ref])
        : arnOf !== undefined
          ? refs.queueArns[arnOf]
          : undefined;
    if (resolved === undefined)
      throw new ServerlessConfigError(`environment ${key}: cannot resolve ${JSON.stringify(value)} locally`);
    out[key] = resolved;
  }
  return out;
}

function stringOf(value: unknown, what: string): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new ServerlessConfigError(`${what}: expected a plain value, got ${JSON.stringify(value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new ServerlessConfigError(`expected a mapping, got ${JSON.stringify(value)}`);
  return value;
}
