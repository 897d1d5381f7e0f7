import { z } from 'zod';
import type { DiagnosticSink } from './diagnostics.js';
import {
  asBuffer,
  decodeBase64,
  embedsAsJson,
  invalidEnvelope,
  stringRecord,
  type EnvelopeCodec,
  type EnvelopeLimits,
  type EnvelopeRead,
  type PayloadEncoding,
} from './envelope.js';
import { lastNonWhitespace, leadingMembers, scanString, skipWhitespace, startsWithMember } from './json-members.js';

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
const PAYLOAD_KEYS = new Set<string>([JSON_ENVELOPE_FIELDS.data, JSON_ENVELOPE_FIELDS.dataBase64]);
const NO_STOP = new Set<string>();

/** The envelope's shape for the general (slow) reader, which accepts any member order and spacing. */
export const jsonEnvelopeSchema = z.object({
  tracecarrier: z.literal(JSON_ENVELOPE_VERSION),
  context: z.custom<Record<string, string>>((value) => stringRecord(value) !== undefined, 'context must be an object of strings'),
  datalength: z.number().int().nonnegative().optional(),
  data: z.unknown().optional(),
  data_base64: z.string().optional(),
});

/** Options of the JSON envelope writer. */
export interface JsonEnvelopeOptions {
  /** How payloads are embedded. Default `auto`. */
  readonly payloadEncoding?: PayloadEncoding;
}

/** Creates the JSON envelope codec. */
export function jsonEnvelope(options: JsonEnvelopeOptions = {}): EnvelopeCodec {
  const encoding = options.payloadEncoding ?? 'auto';
  return {
    format: 'json',
    encode(payload, fields, _info, _sink?: DiagnosticSink) {
      const head = `{"tracecarrier":${JSON_ENVELOPE_VERSION},"context":${JSON.stringify(fields)},`;
      if (embedsAsJson(payload, encoding)) {
        return Buffer.concat([Buffer.from(`${head}"datalength":${payload.length},"data":`), payload, CLOSE]);
      }
      return Buffer.from(`${head}"data_base64":"${asBuffer(payload).toString('base64')}"}`);
    },
    detect: (value) => {
      if (startsWithMember(value, MARKER)) return true;
      // Other writers may order members differently: a native search rejects ordinary payloads
      // cheaply, and a walk of the top-level members confirms a hit (a nested "tracecarrier" is data).
      const bytes = asBuffer(value);
      if (bytes[skipWhitespace(bytes, 0, bytes.length)] !== 0x7b || bytes.indexOf(MARKER) < 0) return false;
      return leadingMembers(bytes, NO_STOP, bytes.length)?.some((member) => member.key === JSON_ENVELOPE_FIELDS.version) ?? false;
    },
    decode: (value, limits) => {
      if (value.length > limits.maxEnvelopeBytes) return invalidEnvelope(`envelope of ${value.length} bytes exceeds limits.maxEnvelopeBytes`, 'field-too-large');
      if (value[0] === 0xef && value[1] === 0xbb && value[2] === 0xbf) return invalidEnvelope('starts with a byte-order mark, which JSON text on the wire must not have');
      return readFast(value, limits) ?? readSlow(value);
    },
  };
}

/**
 * Reads the canonical layout in time independent of the payload size; `undefined` sends the value to
 * the general reader (members in another order, no `datalength`, anything unexpected).
 */
function readFast(value: Uint8Array, limits: EnvelopeLimits): EnvelopeRead | undefined {
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
    return { kind: 'envelope', format: 'json', fields: context, payload: bytes.subarray(start, after) };
  }
  const end = scanString(bytes, start, close);
  if (end < 0 || lastNonWhitespace(bytes, close) !== end - 1) return undefined;
  const payload = decodeBase64(bytes.toString('latin1', start + 1, end - 1));
  if (payload === undefined) return invalidEnvelope('data_base64 is not valid base64');
  return { kind: 'envelope', format: 'json', fields: context, payload };
}

/** The general reader: one `JSON.parse`, then the schema. */
function readSlow(value: Uint8Array): EnvelopeRead {
  let parsed: unknown;
  try {
    parsed = JSON.parse(asBuffer(value).toString('utf8'));
  } catch (error) {
    return invalidEnvelope(`not valid JSON (${(error as Error).message})`);
  }
  const version = (parsed as { tracecarrier?: unknown } | null)?.tracecarrier;
  if (typeof version === 'number' && version !== JSON_ENVELOPE_VERSION) {
    return invalidEnvelope(`envelope version ${version} is not supported (this reader knows ${JSON_ENVELOPE_VERSION})`, 'unsupported-envelope-version');
  }
  const result = jsonEnvelopeSchema.safeParse(parsed);
  if (!result.success) return invalidEnvelope(result.error.issues.map((issue) => `${issue.path.join('.') || 'envelope'}: ${issue.message}`).join('; '));
  const envelope = result.data;
  const fields = stringRecord(envelope.context) ?? {};
  const hasData = Object.hasOwn(parsed as object, JSON_ENVELOPE_FIELDS.data);
  if (hasData === (envelope.data_base64 !== undefined)) return invalidEnvelope('exactly one of data and data_base64 is required');
  if (envelope.data_base64 !== undefined) {
    const payload = decodeBase64(envelope.data_base64);
    return payload === undefined ? invalidEnvelope('data_base64 is not valid base64') : { kind: 'envelope', format: 'json', fields, payload };
  }
  try {
    // A foreign writer's `data` comes back as its canonical JSON text (byte-exactness needs the canonical layout).
    return { kind: 'envelope', format: 'json', fields, payload: Buffer.from(JSON.stringify(envelope.data)) };
  } catch (error) {
    return invalidEnvelope(`data cannot be re-serialised (${(error as Error).message})`);
  }
}
