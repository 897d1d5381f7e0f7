import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { readHeader } from '../headers/kafka-headers.js';
import type { Carrier, CarrierContext, CarrierRead, IncomingMessage } from './carrier.js';
import {
  ATTRIBUTE_NAME,
  attributeFields,
  CLOUDEVENTS_CONTENT_TYPE,
  CLOUDEVENTS_SPEC_VERSION,
  CONTENT_TYPE_HEADER,
  DEFAULT_CLOUDEVENT_TYPE,
  RESERVED_ATTRIBUTES,
  WRAPPED_ATTRIBUTE,
  contentModeOf,
  messageContentMode,
} from './cloudevents.js';
import { isUtf8 } from 'node:buffer';
import { envelopePayload, notJsonReason } from './json-envelope.js';
import { lazyAttributes } from './lazy-attributes.js';
import { quotedNames, scanMembers, type MemberSpan } from './member-scan.js';
import { asBuffer, decodeBase64, embedsAsJson, keyText, valueBytes, type PayloadEncoding } from './payload.js';

/** The event's shape as checked by the reader. */
export const cloudEventSchema = z.looseObject({
  specversion: z.literal(CLOUDEVENTS_SPEC_VERSION),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  datacontenttype: z.string().optional(),
  data_base64: z.string().optional(),
});

/** Options of the CloudEvents carriers (the attributes of the events tracecarrier creates). */
export interface CloudEventsOptions {
  /** How payloads are embedded in structured mode (see {@link PayloadEncoding}). Default `auto`. */
  readonly payloadEncoding?: PayloadEncoding;
  /** The event `source`. Default `/tracecarrier/kafka/<topic>`. */
  readonly source?: string;
  /** The event `type`. Default `dev.tracecarrier.message`. */
  readonly type?: string;
}

const DATA_JSON = /[/+]json(;|$)/i;
const [DATA_NAME] = quotedNames(['data']) as [Buffer];

/**
 * CloudEvents 1.0 in structured content mode (`cloudevents-structured`): the application's payload
 * becomes the `data` of a new event (`application/cloudevents+json`, announced by a `content-type`
 * header), with the context in the Distributed Tracing extension attributes `traceparent` and
 * `tracestate` (and `baggage` beside them), so any CloudEvents SDK reads it.
 *
 * Per the Kafka protocol binding and the distributed-tracing extension:
 * - A value that already is an event (structured or binary, someone else's or ours) is never
 *   modified: no re-wrap, no new id; its `traceparent` keeps the trace that started it, and the
 *   hop's context goes in headers.
 * - On the consumer side, events this carrier created (marked with the `tracecarrierwrap`
 *   extension, or of the configured `type`) are unwrapped: the handler gets the original payload
 *   bytes. Anyone else's event is handed over whole. Either way `cloudEventOf(message)` gives the
 *   event's attributes.
 * - The record key becomes `partitionkey` of the events created.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md
 *
 * @example
 * ```ts
 * const producer = kafka.producer(undefined, { carriers: [cloudEventsStructured({ type: 'com.shop.order' })] });
 * ```
 */
export function cloudEventsStructured(options: CloudEventsOptions = {}): Carrier {
  const encoding = options.payloadEncoding ?? 'auto';
  const type = options.type ?? DEFAULT_CLOUDEVENT_TYPE;
  const typeJson = JSON.stringify(type);
  return {
    name: 'cloudevents-structured',
    placement: 'headers+value',
    inject(message, fields, context) {
      const bytes = valueBytes(message.value);
      if (bytes === undefined) return undefined;
      const mode = contentModeOf(message.headers, bytes);
      // Someone else's structured event is forwarded as it is, with the context in headers; the
      // binding requires its content-type, so it is added when the application gave none.
      if (mode === 'structured' && readHeader(message.headers, CONTENT_TYPE_HEADER) === undefined) return { headers: { ...fields, [CONTENT_TYPE_HEADER]: CLOUDEVENTS_CONTENT_TYPE } };
      if (mode !== undefined) return undefined;
      // A JSON envelope being forwarded: the event wraps its payload, not the envelope.
      const payload = envelopePayload(bytes, context.limits);
      const source = JSON.stringify(options.source ?? `/tracecarrier/kafka/${message.topic}`);
      let head = `{"specversion":"${CLOUDEVENTS_SPEC_VERSION}","id":"${randomUUID()}","source":${source},"type":${typeJson},"time":"${new Date().toISOString()}"`;
      const key = keyText(message.key);
      if (key !== undefined) head += `,"partitionkey":${JSON.stringify(key)}`;
      for (const [name, value] of attributeFields(fields, context)) head += `,"${name}":${JSON.stringify(value)}`;
      head += `,"${WRAPPED_ATTRIBUTE}":true`;
      const value = embedsAsJson(payload, encoding)
        ? // `data` last, so a reader can hand back the payload's exact bytes without parsing it.
          Buffer.concat([Buffer.from(`${head},"datacontenttype":"application/json","data":`), payload, Buffer.from('}')])
        : Buffer.from(`${head},"datacontenttype":"application/octet-stream","data_base64":"${asBuffer(payload).toString('base64')}"}`);
      return { value, headers: { [CONTENT_TYPE_HEADER]: CLOUDEVENTS_CONTENT_TYPE } };
    },
    detect: (message) => messageContentMode(message) === 'structured',
    extract: (message, context) => readStructured(message, context, type),
  };
}

// The members the reader needs, by index into a scan's `found`; the propagator's fields follow them.
const NEEDED = ['specversion', 'id', 'source', 'type', 'datacontenttype', 'data_base64', WRAPPED_ATTRIBUTE] as const;
const [SPECVERSION, ID, SOURCE, TYPE, DATACONTENTTYPE, DATA_BASE64, WRAPPED] = [0, 1, 2, 3, 4, 5, 6];

// The wanted names for the propagator's fields, kept for the last field list seen (it is the same
// array message after message).
let wantedFor: readonly string[] | undefined;
let wanted: { readonly quoted: Buffer[]; readonly fields: string[] } = { quoted: [], fields: [] };

function wantedNames(propagationFields: readonly string[]): typeof wanted {
  if (propagationFields !== wantedFor) {
    // Only fields that can be extension attributes (as the writer decides); the reserved ones are the event's own.
    const fields = propagationFields.filter((name) => ATTRIBUTE_NAME.test(name) && !RESERVED_ATTRIBUTES.has(name) && name !== 'partitionkey');
    wanted = { quoted: quotedNames([...NEEDED, ...fields]), fields };
    wantedFor = propagationFields;
  }
  return wanted;
}

function readStructured(message: IncomingMessage, context: CarrierContext, ownType: string): CarrierRead | undefined {
  const bytes = valueBytes(message.value);
  if (bytes === undefined) return undefined;
  const report = (reason: string, code: 'invalid-envelope' | 'unsupported-envelope-version' | 'field-too-large' = 'invalid-envelope') =>
    context.report(code, `value looks like a structured CloudEvent but cannot be read: ${reason}; handed over untouched`);
  if (bytes.length > context.limits.maxEnvelopeBytes) return void report(`event of ${bytes.length} bytes exceeds limits.maxEnvelopeBytes`, 'field-too-large');
  const contentType = readHeader(message.headers, CONTENT_TYPE_HEADER);
  // Another event format (cloudevents+avro, …) is refused; a content-type naming no event format is
  // the event's datacontenttype, as the Python SDK writes it, and the value itself was found to be an event.
  if (contentType !== undefined && /^\s*application\/cloudevents/i.test(contentType) && !/^\s*application\/cloudevents\+json\s*(;|$)/i.test(contentType)) {
    return void report(`event format "${contentType}" is not supported (only ${CLOUDEVENTS_CONTENT_TYPE})`);
  }
  if (!isUtf8(bytes)) return void report('not valid UTF-8, which JSON text on the wire must be');
  // One validating walk finds the members the reader needs and every `data`; only those few are
  // parsed. The rest of the attributes are parsed when the application asks (cloudEventOf), the
  // data never: no event costs more than one walk and a few small parses.
  const names = wantedNames(context.propagationFields);
  const scan = scanMembers(bytes, names.quoted, DATA_NAME);
  if (!scan.valid) return void report(notJsonReason(scan));
  if (scan.attributeBytes > context.limits.maxContextBytes) return void report(`attributes span ${scan.attributeBytes} bytes, over limits.maxContextBytes`, 'field-too-large');
  const member = (index: number): unknown => {
    const found = scan.found[index];
    return found === undefined ? undefined : JSON.parse(bytes.toString('utf8', found.valueStart, found.valueEnd));
  };
  const version = member(SPECVERSION);
  if (typeof version === 'string' && version !== CLOUDEVENTS_SPEC_VERSION) return void report(`specversion ${version} is not supported`, 'unsupported-envelope-version');
  const result = cloudEventSchema.safeParse({ specversion: version, id: member(ID), source: member(SOURCE), type: member(TYPE), datacontenttype: member(DATACONTENTTYPE), data_base64: member(DATA_BASE64) });
  if (!result.success) return void report(result.error.issues.map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`).join('; '));
  const fields: Record<string, string> = Object.create(null);
  for (const [i, name] of names.fields.entries()) {
    const value = member(NEEDED.length + i);
    if (typeof value === 'string') fields[name] = value;
  }
  // Broken base64 is reported for anyone's event: a CloudEvents SDK downstream would refuse it too.
  if (result.data.data_base64 !== undefined && decodeBase64(result.data.data_base64) === undefined) return void report('data_base64 is not valid base64');
  const attributes = lazyAttributes(() => attributesOf(bytes, scan.occurrences, keyText(message.key)));
  const ours = member(WRAPPED) === true || result.data.type === ownType;
  if (!ours) return { fields, attributes };
  // A repeated member counts with its last occurrence, as JSON.parse takes it.
  const payload = dataOf(bytes, scan.occurrences.at(-1), result.data.datacontenttype, result.data.data_base64);
  if (payload === undefined) return void report('data_base64 is not valid base64');
  return { fields, attributes, value: payload };
}

/** The event's attributes, as `cloudEventOf` gives them: every attribute of a primitive value but the data and our marker. */
function attributesOf(bytes: Buffer, data: readonly MemberSpan[], key: string | undefined): Record<string, string | number | boolean> {
  const event = JSON.parse(withoutData(bytes, data)) as Record<string, unknown>;
  const attributes: Record<string, string | number | boolean> = Object.create(null);
  for (const name of Object.keys(event)) {
    const attribute = event[name];
    if (name === 'data' || name === 'data_base64' || name === WRAPPED_ATTRIBUTE) continue;
    if (typeof attribute === 'string' || typeof attribute === 'number' || typeof attribute === 'boolean') attributes[name] = attribute;
  }
  if (attributes.partitionkey === undefined && key !== undefined) attributes.partitionkey = key;
  return attributes;
}

/** The event's text with each `data` value replaced by `null`. */
function withoutData(bytes: Buffer, data: readonly MemberSpan[]): string {
  if (data.length === 0) return bytes.toString('utf8');
  let text = '';
  let from = 0;
  for (const member of data) {
    text += `${bytes.toString('utf8', from, member.valueStart)}null`;
    from = member.valueEnd;
  }
  return text + bytes.toString('utf8', from);
}

/** The event's data as the bytes the application sent: never re-serialised. */
function dataOf(bytes: Buffer, data: MemberSpan | undefined, contentType: string | undefined, base64: string | undefined): Buffer | undefined {
  if (base64 !== undefined) return decodeBase64(base64);
  if (data === undefined) return Buffer.alloc(0);
  const raw = bytes.subarray(data.valueStart, data.valueEnd);
  // Text data of a non-JSON content type is the string's text (escapes decoded), as SDKs read it.
  if (raw[0] === 0x22 && contentType !== undefined && !DATA_JSON.test(contentType)) return Buffer.from(JSON.parse(raw.toString('utf8')) as string, 'utf8');
  return raw;
}
