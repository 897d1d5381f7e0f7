import { z } from 'zod';
import type { ReadLimits } from '../limits.js';
import type { Carrier, CarrierContext, MessageValue } from './carrier.js';
import { isCloudEvent } from './cloudevents.js';
import { leadingMembers, lastNonWhitespace, scanString, skipWhitespace, startsWithMember } from './json-members.js';
import { HAS_ENVELOPE_MARKER, hasMarker, messageHasMarker } from './value-markers.js';
import { asBuffer, decodeBase64, embedsAsJson, stringRecord, valueBytes, type PayloadEncoding } from './payload.js';

/**
 * The tracecarrier JSON envelope, version 1 (specified in `docs/envelope-format.md`):
 * `{"tracecarrier":1,"context":{…},"datalength":N,"data":<JSON>}` or
 * `{"tracecarrier":1,"context":{…},"data_base64":"…"}`. `tracecarrier` is the first member and the
 * payload member is the last, so readers find both without touching the payload.
 */
export const JSON_ENVELOPE_VERSION = 1;

/** Member names of the JSON envelope. */
export const JSON_ENVELOPE_FIELDS = {
  version: 'tracecarrier',
  context: 'context',
  dataLength: 'datalength',
  data: 'data',
  dataBase64: 'data_base64',
} as const;

const MARKER = Buffer.from(`"${JSON_ENVELOPE_FIELDS.version}"`);
const CLOSE = Buffer.from('}');
const PAYLOAD_KEYS: ReadonlySet<string> = new Set([JSON_ENVELOPE_FIELDS.data, JSON_ENVELOPE_FIELDS.dataBase64]);
const NO_STOP: ReadonlySet<string> = new Set();

/** The envelope's shape for the general reader, which accepts any member order and spacing. */
export const jsonEnvelopeSchema = z.object({
  tracecarrier: z.literal(JSON_ENVELOPE_VERSION),
  context: z.custom<Record<string, string>>((value) => stringRecord(value) !== undefined, 'context must be an object of strings'),
  datalength: z.number().int().nonnegative().optional(),
  data: z.unknown().optional(),
  data_base64: z.string().optional(),
});

/** Options of {@link jsonEnvelope}. */
export interface JsonEnvelopeOptions {
  /** How payloads are embedded (see {@link PayloadEncoding}). Default `auto`. */
  readonly payloadEncoding?: PayloadEncoding;
}

/** What reading a value as a JSON envelope gave. */
export type JsonEnvelopeRead =
  | { readonly kind: 'envelope'; readonly fields: Readonly<Record<string, string>>; readonly payload: Buffer }
  | { readonly kind: 'invalid'; readonly code: 'invalid-envelope' | 'unsupported-envelope-version' | 'field-too-large'; readonly reason: string };

/**
 * The JSON envelope carrier (`json-envelope`): the context travels inside the value, for consumers,
 * bridges and connectors that drop or cannot read headers. Values that already are CloudEvents are
 * never wrapped (their context goes in headers), tombstones neither; a value that already is a JSON
 * envelope (a forwarded message) is re-wrapped around its original payload, never nested.
 *
 * @example
 * ```ts
 * const producer = kafka.producer(undefined, { carriers: [jsonEnvelope({ payloadEncoding: 'json' })] });
 * ```
 */
export function jsonEnvelope(options: JsonEnvelopeOptions = {}): Carrier {
  const encoding = options.payloadEncoding ?? 'auto';
  return {
    name: 'json-envelope',
    placement: 'value',
    inject(message, fields, context) {
      const bytes = valueBytes(message.value);
      if (bytes === undefined || isCloudEvent(message)) return undefined;
      return { value: encodeJsonEnvelope(envelopePayload(bytes, context.limits), fields, encoding) };
    },
    detect: (message) => isJsonEnvelope(message.value, messageHasMarker(message, HAS_ENVELOPE_MARKER)),
    extract(message, context) {
      const read = readJsonEnvelope(valueBytes(message.value) ?? Buffer.alloc(0), context.limits);
      if (read.kind === 'envelope') return { fields: read.fields, value: read.payload };
      reportInvalid(context, read);
      return undefined;
    },
  };
}

function reportInvalid(context: CarrierContext, read: Extract<JsonEnvelopeRead, { kind: 'invalid' }>): void {
  context.report(read.code, `value looks like a JSON envelope but cannot be read: ${read.reason}; handed over untouched`);
}

/** The payload of a value that already is a JSON envelope (a forwarded message), else the value itself. */
export function envelopePayload(bytes: Buffer, limits: ReadLimits): Buffer {
  if (!isJsonEnvelope(bytes)) return bytes;
  const read = readJsonEnvelope(bytes, limits);
  return read.kind === 'envelope' ? read.payload : bytes;
}

/** Writes the canonical envelope around `payload`. */
export function encodeJsonEnvelope(payload: Uint8Array, fields: Readonly<Record<string, string>>, encoding: PayloadEncoding): Buffer {
  const head = `{"tracecarrier":${JSON_ENVELOPE_VERSION},"context":${JSON.stringify(fields)},`;
  if (embedsAsJson(payload, encoding)) {
    return Buffer.concat([Buffer.from(`${head}"datalength":${payload.length},"data":`), payload, CLOSE]);
  }
  return Buffer.from(`${head}"data_base64":"${asBuffer(payload).toString('base64')}"}`);
}

/**
 * True when `value` claims to be a JSON envelope (cheap: the first member, else a search for the
 * marker). `marked` tells whether the value holds the marker, when already known.
 */
export function isJsonEnvelope(value: MessageValue, marked?: boolean): boolean {
  if (value === null || value === undefined) return false;
  // Without the marker anywhere, neither check below can pass.
  if (marked === false) return false;
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  if (startsWithMember(bytes, MARKER)) return true;
  // Other writers may order members differently: a search rejects ordinary payloads cheaply, and a
  // walk of the top-level members confirms a hit (a nested "tracecarrier" is data).
  const buffer = asBuffer(bytes);
  if (buffer[skipWhitespace(buffer, 0, buffer.length)] !== 0x7b) return false;
  if (!(marked ?? hasMarker(buffer, HAS_ENVELOPE_MARKER))) return false;
  return leadingMembers(buffer, NO_STOP, buffer.length)?.some((member) => member.key === JSON_ENVELOPE_FIELDS.version) ?? false;
}

/** Reads a JSON envelope; total. The payload is always the exact bytes the writer embedded. */
export function readJsonEnvelope(value: Uint8Array, limits: ReadLimits): JsonEnvelopeRead {
  if (value.length > limits.maxEnvelopeBytes) return invalid(`envelope of ${value.length} bytes exceeds limits.maxEnvelopeBytes`, 'field-too-large');
  if (value[0] === 0xef && value[1] === 0xbb && value[2] === 0xbf) return invalid('starts with a byte-order mark, which JSON text on the wire must not have');
  return readFast(value, limits) ?? readGeneral(value);
}

function invalid(reason: string, code: 'invalid-envelope' | 'unsupported-envelope-version' | 'field-too-large' = 'invalid-envelope'): JsonEnvelopeRead {
  return { kind: 'invalid', code, reason };
}

/**
 * Reads the canonical layout in time independent of the payload size; `undefined` sends the value to
 * the general reader (members in another order, no `datalength`, anything unexpected).
 */
function readFast(value: Uint8Array, limits: ReadLimits): JsonEnvelopeRead | undefined {
  const members = leadingMembers(value, PAYLOAD_KEYS, limits.maxContextBytes);
  const payloadMember = members?.at(-1);
  if (members === undefined || payloadMember === undefined || !PAYLOAD_KEYS.has(payloadMember.key)) return undefined;
  const bytes = asBuffer(value);
  let version: unknown;
  let context: Record<string, string> | undefined;
  let dataLength: number | undefined;
  try {
    for (const member of members) {
      const raw = () => JSON.parse(bytes.toString('utf8', member.valueStart, member.valueEnd)) as unknown;
      if (member.key === JSON_ENVELOPE_FIELDS.version) version = raw();
      else if (member.key === JSON_ENVELOPE_FIELDS.context) context = stringRecord(raw());
      else if (member.key === JSON_ENVELOPE_FIELDS.dataLength) dataLength = raw() as number;
    }
  } catch {
    return undefined;
  }
  if (version !== JSON_ENVELOPE_VERSION || context === undefined) return undefined;
  const close = lastNonWhitespace(bytes, bytes.length);
  if (bytes[close] !== 0x7d) return undefined;
  const start = payloadMember.valueStart;
  if (payloadMember.key === JSON_ENVELOPE_FIELDS.data) {
    // `datalength` proves the payload ends right before the closing brace: no truncation, no members after it.
    if (!Number.isSafeInteger(dataLength) || start + (dataLength as number) > close) return undefined;
    const after = start + (dataLength as number);
    for (let i = after; i < close; i++) if (bytes[i] !== 0x20 && bytes[i] !== 0x0a && bytes[i] !== 0x0d && bytes[i] !== 0x09) return undefined;
    if (dataLength === 0) return undefined;
    return { kind: 'envelope', fields: context, payload: bytes.subarray(start, after) };
  }
  const end = scanString(bytes, start, close);
  if (end < 0 || lastNonWhitespace(bytes, close) !== end - 1) return undefined;
  const payload = decodeBase64(bytes.toString('latin1', start + 1, end - 1));
  if (payload === undefined) return invalid('data_base64 is not valid base64');
  return { kind: 'envelope', fields: context, payload };
}

/**
 * The general reader: one `JSON.parse` to validate, the schema, then the payload's raw bytes taken
 * from where `data` lies in the value, so a foreign writer's envelope (members in any order, `data`
 * not last) still gives the exact bytes: big integers, number formats and key order survive.
 */
function readGeneral(value: Uint8Array): JsonEnvelopeRead {
  const bytes = asBuffer(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return invalid(`not valid JSON (${(error as Error).message})`);
  }
  const version = (parsed as { tracecarrier?: unknown } | null)?.tracecarrier;
  if (typeof version === 'number' && version !== JSON_ENVELOPE_VERSION) {
    return invalid(`envelope version ${version} is not supported (this reader knows ${JSON_ENVELOPE_VERSION})`, 'unsupported-envelope-version');
  }
  const result = jsonEnvelopeSchema.safeParse(parsed);
  if (!result.success) return invalid(result.error.issues.map((issue) => `${issue.path.join('.') || 'envelope'}: ${issue.message}`).join('; '));
  const envelope = result.data;
  const fields = stringRecord(envelope.context) ?? {};
  const hasData = Object.hasOwn(parsed as object, JSON_ENVELOPE_FIELDS.data);
  if (hasData === (envelope.data_base64 !== undefined)) return invalid('exactly one of data and data_base64 is required');
  if (envelope.data_base64 !== undefined) {
    const payload = decodeBase64(envelope.data_base64);
    return payload === undefined ? invalid('data_base64 is not valid base64') : { kind: 'envelope', fields, payload };
  }
  const payload = rawMember(bytes, JSON_ENVELOPE_FIELDS.data);
  return payload === undefined ? invalid('data could not be located') : { kind: 'envelope', fields, payload };
}

/**
 * The raw bytes of a top-level member's value in JSON text that already parsed (the last one of
 * that name, as `JSON.parse` keeps).
 */
export function rawMember(bytes: Buffer, key: string): Buffer | undefined {
  const members = leadingMembers(bytes, NO_STOP, bytes.length) ?? [];
  for (let i = members.length - 1; i >= 0; i--) {
    const member = members[i] as (typeof members)[number];
    if (member.key === key) return bytes.subarray(member.valueStart, member.valueEnd);
  }
  return undefined;
}
