/**
 * A minimal protobuf wire-format reader and a schema-driven decoder into the JSON shapes the API uses. Kubernetes'
 * generated messages are proto2 and gogo-marshalled: non-pointer scalar fields are always written, even when empty,
 * so empty strings / zero numbers / zero times are treated as absent (the JSON tags are `omitempty`) unless a field
 * is declared `presence` (a Go pointer, e.g. `immutable`, `expirationSeconds`).
 */
import { rfc3339 } from './object-rules.ts';

export class ProtobufDecodeError extends Error {
  override name = 'ProtobufDecodeError';
}

/** Wire types (https://protobuf.dev/programming-guides/encoding/#structure). */
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

interface WireField {
  field: number;
  wireType: number;
  /** varint value (as a BigInt, to keep int64 exact) */
  varint?: bigint;
  /** length-delimited payload */
  bytes?: Buffer;
}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtobufDecodeError('truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
  throw new ProtobufDecodeError('varint longer than 10 bytes');
}

export function readFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    pos = afterKey;
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0) throw new ProtobufDecodeError('field number 0');
    switch (wireType) {
      case VARINT: {
        const [v, next] = readVarint(buf, pos);
        out.push({ field, wireType, varint: v });
        pos = next;
        break;
      }
      case LEN: {
        const [len, next] = readVarint(buf, pos);
        const end = next + Number(len);
        if (end > buf.length) throw new ProtobufDecodeError(`field ${field}: length ${len} exceeds the message`);
        out.push({ field, wireType, bytes: buf.subarray(next, end) });
        pos = end;
        break;
      }
      case I64:
        pos += 8;
        break;
      case I32:
        pos += 4;
        break;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wireType} (field ${field})`);
    }
    if (pos > buf.length) throw new ProtobufDecodeError('truncated fixed-width field');
  }
  return out;
}

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time';

interface FieldSpec {
  name: string;
  type: Scalar | MessageSchema | { map: 'string' | 'bytes' };
  repeated?: boolean;
  /** Go pointer field: emitted whenever it is on the wire, even with a zero value. */
  presence?: boolean;
}

export type MessageSchema = Record<number, FieldSpec>;

function expectLen(f: WireField, spec: FieldSpec): Buffer {
  if (f.bytes === undefined) throw new ProtobufDecodeError(`field ${spec.name}: expected a length-delimited value`);
  return f.bytes;
}

function expectVarint(f: WireField, spec: FieldSpec): bigint {
  if (f.varint === undefined) throw new ProtobufDecodeError(`field ${spec.name}: expected a varint`);
  return f.varint;
}

/** metav1.Time is {seconds=1, nanos=2}, serialised in JSON as RFC 3339 with second precision. */
function decodeTime(buf: Buffer): string | undefined {
  let seconds = 0n;
  for (const f of readFields(buf)) if (f.field === 1 && f.varint !== undefined) seconds = BigInt.asIntN(64, f.varint);
  if (seconds === 0n) return undefined; // the zero time (JSON null)
  return rfc3339(new Date(Number(seconds) * 1000));
}

/** Returns the JSON value of one wire field, or undefined when it is a zero value that JSON would omit. */
function decodeValue(f: WireField, spec: FieldSpec): unknown {
  const t = spec.type;
  if (typeof t === 'object' && 'map' in t) throw new ProtobufDecodeError('map handled by caller');
  switch (t) {
    case 'string': {
      const s = expectLen(f, spec).toString('utf8');
      return s === '' && !spec.presence && !spec.repeated ? undefined : s;
    }
    case 'bytes':
      return expectLen(f, spec).toString('base64');
    case 'int': {
      const n = Number(BigInt.asIntN(64, expectVarint(f, spec)));
      return n === 0 && !spec.presence ? undefined : n;
    }
    case 'bool': {
      const b = expectVarint(f, spec) !== 0n;
      return !b && !spec.presence ? undefined : b;
    }
    case 'time':
      return decodeTime(expectLen(f, spec));
    default:
      return decodeMessage(expectLen(f, spec), t);
  }
}

function decodeMapEntry(buf: Buffer, valueType: 'string' | 'bytes'): [string, string] {
  let key = '';
  let value = '';
  for (const f of readFields(buf)) {
    if (f.field === 1 && f.bytes) key = f.bytes.toString('utf8');
    if (f.field === 2 && f.bytes) value = valueType === 'bytes' ? f.bytes.toString('base64') : f.bytes.toString('utf8');
  }
  return [key, value];
}

export function decodeMessage(buf: Buffer, schema: MessageSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of readFields(buf)) {
    const spec = schema[f.field];
    if (!spec) continue; // unknown fields are skipped, as proto2 parsers do
    const t = spec.type;
    if (typeof t === 'object' && 'map' in t) {
      const [k, v] = decodeMapEntry(expectLen(f, spec), t.map);
      const m = (out[spec.name] as Record<string, string> | undefined) ?? {};
      m[k] = v;
      out[spec.name] = m;
      continue;
    }
    if (spec.repeated && t === 'string' && f.wireType !== LEN)
      throw new ProtobufDecodeError(`field ${spec.name}: expected a string`);
    const v = decodeValue(f, spec);
    if (spec.repeated) {
      const list = (out[spec.name] as unknown[] | undefined) ?? [];
      list.push(v);
      out[spec.name] = list;
    } else if (v !== undefined) out[spec.name] = v;
  }
  return out;
}
