/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies. kubectl's typed-client commands
 * (`kubectl create namespace|secret|configmap|serviceaccount|token|role|rolebinding...`) send protobuf and do not
 * retry with JSON after a 415, so the messages they send are decoded here into the JSON objects the rest of the
 * server handles. Responses stay JSON: kubectl sends `Accept: application/vnd.kubernetes.protobuf,application/json`.
 *
 * Envelope (k8s.io/apimachinery/pkg/runtime/serializer/protobuf): the 4 magic bytes `k8s\0`, then a runtime.Unknown
 * {typeMeta{apiVersion=1, kind=2}=1, raw=2, contentEncoding=3, contentType=4} whose `raw` is the generated message.
 * Field numbers follow k8s.io/api/<group>/<version>/generated.proto.
 */
import { ApiError, badRequest } from './errors.ts';
import { type MessageSchema, ProtobufDecodeError, decodeMessage, readFields } from './protobuf-wire.ts';
import type { KubeObject } from './types.ts';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const str = (name: string) => ({ name, type: 'string' as const });
const strs = (name: string) => ({ name, type: 'string' as const, repeated: true });
const optBool = (name: string) => ({ name, type: 'bool' as const, presence: true });
const strMap = (name: string) => ({ name, type: { map: 'string' as const } });
const bytesMap = (name: string) => ({ name, type: { map: 'bytes' as const } });

const OWNER_REFERENCE: MessageSchema = {
  1: str('kind'),
  3: str('name'),
  4: str('uid'),
  5: str('apiVersion'),
  6: optBool('controller'),
  7: optBool('blockOwnerDeletion'),
};

const OBJECT_META: MessageSchema = {
  1: str('name'),
  2: str('generateName'),
  3: str('namespace'),
  4: str('selfLink'),
  5: str('uid'),
  6: str('resourceVersion'),
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' },
  9: { name: 'deletionTimestamp', type: 'time' },
  10: { name: 'deletionGracePeriodSeconds', type: 'int', presence: true },
  11: strMap('labels'),
  12: strMap('annotations'),
  13: { name: 'ownerReferences', type: OWNER_REFERENCE, repeated: true },
  14: strs('finalizers'),
  // 17 managedFields: ignored (the server tracks its own field managers)
};

const meta = { 1: { name: 'metadata', type: OBJECT_META } };

const OBJECT_REFERENCE: MessageSchema = {
  1: str('kind'),
  2: str('namespace'),
  3: str('name'),
  4: str('uid'),
  5: str('apiVersion'),
  6: str('resourceVersion'),
  7: str('fieldPath'),
};

const DELETE_OPTIONS: MessageSchema = {
  1: { name: 'gracePeriodSeconds', type: 'int', presence: true },
  2: {
    name: 'preconditions',
    type: { 1: { ...str('uid'), presence: true }, 2: { ...str('resourceVersion'), presence: true } },
  },
  3: optBool('orphanDependents'),
  4: { ...str('propagationPolicy'), presence: true },
  5: strs('dryRun'),
};

const POLICY_RULE: MessageSchema = {
  1: strs('verbs'),
  2: strs('apiGroups'),
  3: strs('resources'),
  4: strs('resourceNames'),
  5: strs('nonResourceURLs'),
};

const LABEL_SELECTOR: MessageSchema = {
  1: strMap('matchLabels'),
  2: { name: 'matchExpressions', type: { 1: str('key'), 2: str('operator'), 3: strs('values') }, repeated: true },
};

const BINDING: MessageSchema = {
  ...meta,
  2: {
    name: 'subjects',
    type: { 1: str('kind'), 2: str('apiGroup'), 3: str('name'), 4: str('namespace') },
    repeated: true,
  },
  3: { name: 'roleRef', type: { 1: str('apiGroup'), 2: str('kind'), 3: str('name') } },
};

/** Messages decodable here, by `apiVersion/kind` of the envelope's typeMeta. */
const SCHEMAS: Record<string, MessageSchema> = {
  'v1/Namespace': {
    ...meta,
    2: { name: 'spec', type: { 1: strs('finalizers') } },
    3: { name: 'status', type: { 1: str('phase') } },
  },
  'v1/Secret': { ...meta, 2: bytesMap('data'), 3: str('type'), 4: strMap('stringData'), 5: optBool('immutable') },
  'v1/ConfigMap': { ...meta, 2: strMap('data'), 3: bytesMap('binaryData'), 4: optBool('immutable') },
  'v1/ServiceAccount': {
    ...meta,
    2: { name: 'secrets', type: OBJECT_REFERENCE, repeated: true },
    3: { name: 'imagePullSecrets', type: { 1: str('name') }, repeated: true },
    4: optBool('automountServiceAccountToken'),
  },
  'authentication.k8s.io/v1/TokenRequest': {
    ...meta,
    2: {
      name: 'spec',
      type: {
        1: strs('audiences'),
        3: { name: 'boundObjectRef', type: { 1: str('kind'), 2: str('apiVersion'), 3: str('name'), 4: str('uid') } },
        4: { name: 'expirationSeconds', type: 'int', presence: true },
      },
    },
  },
  'policy/v1/Eviction': { ...meta, 2: { name: 'deleteOptions', type: DELETE_OPTIONS } },
  'v1/DeleteOptions': DELETE_OPTIONS,
  'meta.k8s.io/v1/DeleteOptions': DELETE_OPTIONS,
  'rbac.authorization.k8s.io/v1/Role': { ...meta, 2: { name: 'rules', type: POLICY_RULE, repeated: true } },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    ...meta,
    2: { name: 'rules', type: POLICY_RULE, repeated: true },
    3: { name: 'aggregationRule', type: { 1: { name: 'clusterRoleSelectors', type: LABEL_SELECTOR, repeated: true } } },
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': BINDING,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': BINDING,
};

const PROTOBUF_KINDS = Object.keys(SCHEMAS);

export function isProtobuf(contentType: string): boolean {
  return contentType === 'application/vnd.kubernetes.protobuf';
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
  contentEncoding: string;
}

function readEnvelope(buf: Buffer): Envelope {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC))
    throw new ProtobufDecodeError('missing the k8s\\0 magic prefix');
  const env: Envelope = { apiVersion: '', kind: '', raw: Buffer.alloc(0), contentEncoding: '' };
  for (const f of readFields(buf.subarray(4))) {
    if (f.field === 1 && f.bytes) {
      for (const t of readFields(f.bytes)) {
        if (t.field === 1 && t.bytes) env.apiVersion = t.bytes.toString('utf8');
        if (t.field === 2 && t.bytes) env.kind = t.bytes.toString('utf8');
      }
    } else if (f.field === 2 && f.bytes) env.raw = f.bytes;
    else if (f.field === 3 && f.bytes) env.contentEncoding = f.bytes.toString('utf8');
  }
  return env;
}

/** Decodes a protobuf request body: 415 for kinds this server cannot decode, 400 for malformed bytes. */
export function decodeProtobufBody(buf: Buffer): KubeObject {
  try {
    const env = readEnvelope(buf);
    if (env.contentEncoding)
      throw unsupported(`content encoding "${env.contentEncoding}" of a protobuf body is not supported`);
    const key = `${env.apiVersion}/${env.kind}`;
    const schema = SCHEMAS[key];
    if (!schema) {
      throw unsupported(
        `the body of the request was in an unknown format - this server decodes protobuf only for ${PROTOBUF_KINDS.join(', ')} (got ${key}); send application/json`,
      );
    }
    const obj = decodeMessage(env.raw, schema);
    return {
      apiVersion: env.apiVersion,
      kind: env.kind,
      ...obj,
      metadata: (obj.metadata as KubeObject['metadata'] | undefined) ?? {},
    };
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw badRequest(`unable to decode the protobuf body: ${err.message}`);
    throw err;
  }
}

function unsupported(message: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', message);
}
