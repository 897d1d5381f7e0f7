import { z } from 'zod';
import type { ReadLimits } from '../limits.js';
import type { Carrier, CarrierContext, MessageValue } from './carrier.js';
import { isCloudEvent } from './cloudevents.js';
import { isUtf8 } from 'node:buffer';
import { skipWhitespace, startsWithMember } from './json-members.js';
import { quotedNames, scanMembers, type MemberScan, type MemberSpan } from './member-scan.js';
import { HAS_ENVELOPE_MARKER, HAS_UNICODE_ESCAPE, hasMarker, hasUnicodeEscape, messageHasMarker } from './value-markers.js';
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
  | { readonly kind: 'not-envelope' }
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
    detect: (message) => isJsonEnvelope(message.value, messageHasMarker(message, HAS_ENVELOPE_MARKER) || messageHasMarker(message, HAS_UNICODE_ESCAPE)),
    extract(message, context) {
      const read = readJsonEnvelope(valueBytes(message.value) ?? Buffer.alloc(0), context.limits);
      if (read.kind === 'envelope') return { fields: read.fields, value: read.payload };
      if (read.kind === 'not-envelope') return undefined;
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
 * True when `value` claims to be a JSON envelope: its first member is `tracecarrier` (a look at the
 * first bytes, where writers put it), or it is a JSON object holding the marker (or a `\u` escape,
 * with which a member name may spell it). Cheap; the reader settles a claim, and a value whose
 * marker is only nested (data) is then handed over as it is, unreported. `marked` tells, when
 * already known, whether the value holds the marker or an escape.
 */
export function isJsonEnvelope(value: MessageValue, marked?: boolean): boolean {
  if (value === null || value === undefined) return false;
  const bytes = typeof value === 'string' ? Buffer.from(value) : asBuffer(value);
  if (startsWithMember(bytes, MARKER)) return true;
  if (bytes[skipWhitespace(bytes, 0, bytes.length)] !== 0x7b) return false;
  return marked ?? (hasMarker(bytes, HAS_ENVELOPE_MARKER) || hasUnicodeEscape(bytes));
}

// The members the reader looks for, in this order.
const WANTED = quotedNames([JSON_ENVELOPE_FIELDS.version, JSON_ENVELOPE_FIELDS.context, JSON_ENVELOPE_FIELDS.dataLength, JSON_ENVELOPE_FIELDS.data, JSON_ENVELOPE_FIELDS.dataBase64]);
const [VERSION, CONTEXT, DATA_LENGTH, DATA, DATA_BASE64] = [0, 1, 2, 3, 4] as const;
const NOT_ENVELOPE: JsonEnvelopeRead = { kind: 'not-envelope' };

/**
 * Reads a JSON envelope; total. Accepts exactly what a JSON parser accepts as an envelope (UTF-8
 * JSON text, one object, the schema; a repeated member counts with its last occurrence, as
 * `JSON.parse` takes it), in one validating walk that builds neither the payload nor the other
 * members: the payload is always the exact bytes the writer embedded, big integers, number formats
 * and key order included. Members may come in any order (`datalength` is checked as the schema
 * says, and not needed to find the payload). Members besides the payload are bounded by
 * `limits.maxContextBytes`. Cost: one linear pass, below one `JSON.parse` of the value.
 */
export function readJsonEnvelope(value: Uint8Array, limits: ReadLimits): JsonEnvelopeRead {
  if (value.length > limits.maxEnvelopeBytes) return invalid(`envelope of ${value.length} bytes exceeds limits.maxEnvelopeBytes`, 'field-too-large');
  if (value[0] === 0xef && value[1] === 0xbb && value[2] === 0xbf) return invalid('starts with a byte-order mark, which JSON text on the wire must not have');
  const bytes = asBuffer(value);
  const scan = scanMembers(bytes, WANTED);
  // Only a value with a top-level version member (or opening with one) is an envelope at all.
  if (scan.found[VERSION] === undefined && !startsWithMember(bytes, MARKER)) return NOT_ENVELOPE;
  if (!scan.valid) return invalid(notJsonReason(scan));
  if (!isUtf8(bytes)) return invalid('not valid UTF-8, which JSON text on the wire must be');
  if (scan.attributeBytes > limits.maxContextBytes) return invalid(`members besides the payload span ${scan.attributeBytes} bytes, over limits.maxContextBytes`, 'field-too-large');
  return readMembers(bytes, scan.found);
}

function invalid(reason: string, code: 'invalid-envelope' | 'unsupported-envelope-version' | 'field-too-large' = 'invalid-envelope'): JsonEnvelopeRead {
  return { kind: 'invalid', code, reason };
}

/** Why a value the walk refused is not a JSON object (no second parse to say it: the walk knows where). */
export function notJsonReason(scan: MemberScan): string {
  return scan.invalidAt === 0 ? 'not a JSON object' : `not valid JSON (in the member at byte ${scan.invalidAt}, or after it)`;
}

/** A small member's value, parsed (the version, the context, `datalength`, `data_base64`). */
function parsed(bytes: Buffer, member: MemberSpan | undefined): unknown {
  return member === undefined ? undefined : JSON.parse(bytes.toString('utf8', member.valueStart, member.valueEnd));
}

function readMembers(bytes: Buffer, found: ReadonlyArray<MemberSpan | undefined>): JsonEnvelopeRead {
  const version = parsed(bytes, found[VERSION]);
  if (typeof version === 'number' && version !== JSON_ENVELOPE_VERSION) {
    return invalid(`envelope version ${version} is not supported (this reader knows ${JSON_ENVELOPE_VERSION})`, 'unsupported-envelope-version');
  }
  const envelope = { tracecarrier: version, context: parsed(bytes, found[CONTEXT]), datalength: parsed(bytes, found[DATA_LENGTH]), data_base64: parsed(bytes, found[DATA_BASE64]) };
  const result = jsonEnvelopeSchema.safeParse(envelope);
  if (!result.success) return invalid(result.error.issues.map((issue) => `${issue.path.join('.') || 'envelope'}: ${issue.message}`).join('; '));
  const fields = stringRecord(result.data.context) ?? {};
  const data = found[DATA];
  const base64 = result.data.data_base64;
  if ((data !== undefined) === (base64 !== undefined)) return invalid('exactly one of data and data_base64 is required');
  if (base64 !== undefined) {
    // The JSON string as a parser reads it: escapes (`\/`, `\u003d`) decoded before the base64 is.
    const payload = decodeBase64(base64);
    return payload === undefined ? invalid('data_base64 is not valid base64') : { kind: 'envelope', fields, payload };
  }
  return { kind: 'envelope', fields, payload: bytes.subarray((data as MemberSpan).valueStart, (data as MemberSpan).valueEnd) };
}
