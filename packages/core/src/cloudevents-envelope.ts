import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  asBuffer,
  decodeBase64,
  embedsAsJson,
  invalidEnvelope,
  type EnvelopeCodec,
  type EnvelopeLimits,
  type EnvelopeRead,
  type PayloadEncoding,
} from './envelope.js';
import { lastNonWhitespace, leadingMembers } from './json-members.js';

/**
 * CloudEvents 1.0 in structured content mode (`application/cloudevents+json`), with the trace
 * context in the Distributed Tracing extension attributes `traceparent` and `tracestate` (and
 * `baggage` beside them), so any CloudEvents SDK can read the event.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/extensions/distributed-tracing.md
 */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** The CloudEvents spec version written and read. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

// Attribute names the CloudEvents spec reserves; a propagation field may not reuse them.
const RESERVED = new Set(['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time', 'data', 'data_base64']);
// CloudEvents attribute names: lower-case letters and digits, at most 20 characters.
const ATTRIBUTE_NAME = /^[a-z0-9]{1,20}$/;
const DATA_KEYS = new Set(['data', 'data_base64']);
// Detection looks for `specversion` among the attributes in the first 4 KiB of the event.
const DETECT_BYTES = 4096;
const SPECVERSION = Buffer.from('"specversion"');

/** The event's shape as checked by the reader. */
export const cloudEventSchema = z.looseObject({
  specversion: z.literal(CLOUDEVENTS_SPEC_VERSION),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  datacontenttype: z.string().optional(),
  data_base64: z.string().optional(),
});

/** Options of the CloudEvents writer. */
export interface CloudEventsEnvelopeOptions {
  /** How payloads are embedded. Default `auto`. */
  readonly payloadEncoding?: PayloadEncoding;
  /** The event `source`. Default `/tracecarrier/kafka/<topic>`. */
  readonly source?: string;
  /** The event `type`. Default `dev.tracecarrier.message`. */
  readonly type?: string;
}

/** Default CloudEvents `type` written by the producer. */
export const DEFAULT_CLOUDEVENT_TYPE = 'dev.tracecarrier.message';

/** Creates the CloudEvents structured-mode codec. */
export function cloudEventsEnvelope(options: CloudEventsEnvelopeOptions = {}): EnvelopeCodec {
  const encoding = options.payloadEncoding ?? 'auto';
  const type = JSON.stringify(options.type ?? DEFAULT_CLOUDEVENT_TYPE);
  return {
    format: 'cloudevents',
    encode(payload, fields, info, sink) {
      const source = JSON.stringify(options.source ?? `/tracecarrier/kafka/${info.topic}`);
      let head = `{"specversion":"${CLOUDEVENTS_SPEC_VERSION}","id":"${randomUUID()}","source":${source},"type":${type},"time":"${new Date().toISOString()}"`;
      for (const name of Object.keys(fields)) {
        if (!ATTRIBUTE_NAME.test(name) || RESERVED.has(name)) {
          sink?.('field-skipped', `propagation field "${name}" is not a valid CloudEvents attribute name and was not written`, { field: name });
          continue;
        }
        head += `,"${name}":${JSON.stringify(fields[name])}`;
      }
      if (embedsAsJson(payload, encoding)) {
        // `data` last, so our own reader can hand back the payload's exact bytes.
        return Buffer.concat([Buffer.from(`${head},"datacontenttype":"application/json","data":`), payload, Buffer.from('}')]);
      }
      return Buffer.from(`${head},"datacontenttype":"application/octet-stream","data_base64":"${asBuffer(payload).toString('base64')}"}`);
    },
    detect(value) {
      // A native search rejects ordinary payloads without walking them; the walk confirms a hit is a top-level attribute.
      if (asBuffer(value).subarray(0, DETECT_BYTES).indexOf(SPECVERSION) < 0) return false;
      const members = leadingMembers(value, DATA_KEYS, DETECT_BYTES);
      return members !== undefined && members.some((member) => member.key === 'specversion');
    },
    decode: readCloudEvent,
  };
}

function readCloudEvent(value: Uint8Array, limits: EnvelopeLimits): EnvelopeRead {
  if (value.length > limits.maxEnvelopeBytes) return invalidEnvelope(`event of ${value.length} bytes exceeds limits.maxEnvelopeBytes`, 'field-too-large');
  const bytes = asBuffer(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return invalidEnvelope(`not valid JSON (${(error as Error).message})`);
  }
  const version = (parsed as { specversion?: unknown } | null)?.specversion;
  if (typeof version === 'string' && version !== CLOUDEVENTS_SPEC_VERSION) {
    return invalidEnvelope(`CloudEvents specversion ${version} is not supported`, 'unsupported-envelope-version');
  }
  const result = cloudEventSchema.safeParse(parsed);
  if (!result.success) return invalidEnvelope(result.error.issues.map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`).join('; '));
  const event = parsed as Record<string, unknown>;
  const fields: Record<string, string> = Object.create(null);
  for (const name of Object.keys(event)) {
    const attribute = event[name];
    if (!RESERVED.has(name) && typeof attribute === 'string') fields[name] = attribute;
  }
  if (result.data.data_base64 !== undefined) {
    const payload = decodeBase64(result.data.data_base64);
    return payload === undefined ? invalidEnvelope('data_base64 is not valid base64') : { kind: 'envelope', format: 'cloudevents', fields, payload };
  }
  if (!Object.hasOwn(event, 'data')) return { kind: 'envelope', format: 'cloudevents', fields, payload: Buffer.alloc(0) };
  const contentType = result.data.datacontenttype;
  if (typeof event.data === 'string' && contentType !== undefined && !/[/+]json(;|$)/i.test(contentType)) {
    return { kind: 'envelope', format: 'cloudevents', fields, payload: Buffer.from(event.data, 'utf8') };
  }
  const keys = Object.keys(event);
  if (keys.at(-1) === 'data') {
    // The whole event parsed and `data` is its last member: its raw bytes run to the closing brace.
    const member = leadingMembers(bytes, DATA_KEYS, limits.maxContextBytes)?.at(-1);
    if (member?.key === 'data') {
      const end = lastNonWhitespace(bytes, lastNonWhitespace(bytes, bytes.length));
      return { kind: 'envelope', format: 'cloudevents', fields, payload: bytes.subarray(member.valueStart, end + 1) };
    }
  }
  try {
    return { kind: 'envelope', format: 'cloudevents', fields, payload: Buffer.from(JSON.stringify(event.data)) };
  } catch (error) {
    return invalidEnvelope(`data cannot be re-serialised (${(error as Error).message})`);
  }
}
