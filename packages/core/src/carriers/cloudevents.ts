import { hasAnyHeader, readHeader, type KafkaHeaders } from '../headers/kafka-headers.js';
import type { CarrierContext, IncomingMessage, MessageValue } from './carrier.js';
import { asBuffer } from './payload.js';
import { leadingMembers } from './json-members.js';
import { HAS_SPECVERSION_MARKER, SNIFF_BYTES, hasMarker, messageHasMarker } from './value-markers.js';

/**
 * What the CloudEvents carriers share: the Kafka protocol binding's rules for telling an event and
 * its content mode from a message, and the attribute names.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/extensions/distributed-tracing.md
 */

/** The `content-type` of a structured-mode event in the JSON format. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** The CloudEvents spec version written and read. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** Default CloudEvents `type` of the events tracecarrier creates. */
export const DEFAULT_CLOUDEVENT_TYPE = 'dev.tracecarrier.message';

/** The header that announces a structured event and, in binary mode, holds `datacontenttype`. */
export const CONTENT_TYPE_HEADER = 'content-type';

/** Prefix of a binary-mode event's attribute headers (`ce_id`, `ce_traceparent`, …). */
export const CLOUDEVENTS_HEADER_PREFIX = 'ce_';

/**
 * An extension attribute (`true`) on the structured events tracecarrier creates around an
 * application's payload: it tells a consumer that the application sent `data` and should get
 * `data` back. Events without it are someone else's and are handed over whole.
 */
export const WRAPPED_ATTRIBUTE = 'tracecarrierwrap';

/** Attribute names the CloudEvents spec reserves (a propagation field may not reuse them). */
export const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'datacontenttype',
  'dataschema',
  'subject',
  'time',
  'data',
  'data_base64',
  WRAPPED_ATTRIBUTE,
]);

/** CloudEvents attribute names: lower-case letters and digits, at most 20 characters. */
export const ATTRIBUTE_NAME = /^[a-z0-9]{1,20}$/;

/** A CloudEvent's context attributes, as `cloudEventOf(message)` gives them. */
export interface CloudEventAttributes {
  readonly specversion: string;
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly datacontenttype?: string;
  readonly subject?: string;
  readonly time?: string;
  /** The Kafka binding's partition key: the event's `partitionkey`, else the record key (as text). */
  readonly partitionkey?: string;
  /** Extension attributes (`traceparent`, `tracestate`, and any other). */
  readonly [extension: string]: string | number | boolean | undefined;
}

/** The content mode of a message per the Kafka binding, or `undefined` when it holds no event. */
export type ContentMode = 'structured' | 'binary' | 'batch';

const DATA_KEYS: ReadonlySet<string> = new Set(['data', 'data_base64']);
const NO_STOP: ReadonlySet<string> = new Set();

/**
 * Tells whether a message holds a CloudEvent and in which mode. A `content-type` header decides
 * when present, as the Kafka binding says; without one, `ce_` headers mean binary mode, and a value
 * that is a JSON object opening with `specversion` (see {@link looksStructured}) is taken for a structured event whose
 * header was dropped on the way (the very case envelopes exist for).
 */
export function contentModeOf(headers: KafkaHeaders | undefined, value: MessageValue, message?: Pick<IncomingMessage, 'value'>): ContentMode | undefined {
  // Most messages have none of the headers that decide: one pass says so, and only the value is left.
  if (headers === undefined || headers === null || !hasAnyHeader(headers, MODE_HEADERS)) return valueMode(value, message, false);
  const contentType = readHeader(headers, CONTENT_TYPE_HEADER);
  if (contentType !== undefined) {
    const lower = contentType.trimStart().toLowerCase();
    if (lower.startsWith('application/cloudevents-batch')) return 'batch';
    if (lower.startsWith('application/cloudevents')) return 'structured';
  }
  if (hasBinaryAttributes(headers)) return 'binary';
  // A content-type that names neither mode: the Python SDK writes the event's datacontenttype there
  // for a structured event. Only a value with every required attribute is taken for one.
  return valueMode(value, message, contentType !== undefined);
}

// The headers that can decide a content mode (see {@link contentModeOf}).
const MODE_HEADERS: readonly string[] = [CONTENT_TYPE_HEADER, 'ce_specversion', 'ce_id'];

function hasBinaryAttributes(headers: KafkaHeaders): boolean {
  return readHeader(headers, 'ce_specversion') !== undefined || readHeader(headers, 'ce_id') !== undefined;
}

/**
 * The content mode a value alone tells: a structured event whose `content-type` header was dropped,
 * or replaced by its data's content type (`strict`: then every required attribute must be there).
 */
function valueMode(value: MessageValue, message: Pick<IncomingMessage, 'value'> | undefined, strict: boolean): ContentMode | undefined {
  if (value === null || value === undefined) return undefined;
  // A received message's value is searched once, however many carriers ask.
  return looksStructured(value, message === undefined ? undefined : messageHasMarker(message, HAS_SPECVERSION_MARKER), strict) ? 'structured' : undefined;
}

// The attributes every event has: a payload that merely has a `specversion` field is not taken for one.
const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;

function hasRequired(members: ReadonlyArray<{ readonly key: string }> | undefined): boolean {
  return members !== undefined && REQUIRED.every((name) => members.some((member) => member.key === name));
}

/**
 * True when `value` is a JSON object that opens with `specversion` (as CloudEvents writers put it),
 * or has all the required attributes (`specversion`, `id`, `source`, `type`) at its top level: a
 * structured event whose `content-type` header was dropped. A payload with a `specversion` field of
 * its own somewhere among others is not taken for an event. `strict`: the required attributes must
 * all be there, wherever `specversion` stands.
 */
export function looksStructured(value: Uint8Array | string, marked?: boolean, strict = false): boolean {
  if (marked === false) return false;
  const bytes = typeof value === 'string' ? Buffer.from(value.slice(0, SNIFF_BYTES)) : asBuffer(value);
  // A search rejects ordinary payloads without walking them; the walk confirms a hit is a top-level attribute.
  if (!(marked ?? hasMarker(bytes, HAS_SPECVERSION_MARKER))) return false;
  const leading = leadingMembers(bytes, DATA_KEYS, SNIFF_BYTES);
  if ((!strict && leading?.[0]?.key === 'specversion') || hasRequired(leading)) return true;
  // `data` before some attributes (another writer's order): walk past it, within the same budget.
  return leading !== undefined && hasRequired(leadingMembers(bytes, NO_STOP, SNIFF_BYTES));
}

// The last message asked about: both CloudEvents carriers (and the envelope writers) ask about the
// same message in a row, and the answer takes up to three header scans and a value sniff.
let lastMessage: object | undefined;
let lastMode: ContentMode | undefined;

/** {@link contentModeOf} of a message, computed once however many carriers ask in a row. */
export function messageContentMode(message: Pick<IncomingMessage, 'headers' | 'value'>): ContentMode | undefined {
  if (message === lastMessage) return lastMode;
  const mode = contentModeOf(message.headers, message.value, message);
  lastMessage = message;
  lastMode = mode;
  return mode;
}

/** Whether the message is an event in any mode; carriers never wrap or re-stamp one. */
export function isCloudEvent(message: Pick<IncomingMessage, 'headers' | 'value'>): boolean {
  return messageContentMode(message) !== undefined;
}

/**
 * The propagation fields that can be CloudEvents extension attributes, in order; the others (names
 * CloudEvents does not allow, like `uber-trace-id`, or reserved ones) are reported as `field-skipped`.
 */
export function attributeFields(fields: Readonly<Record<string, string>>, context: CarrierContext): Array<[string, string]> {
  const kept: Array<[string, string]> = [];
  for (const name of Object.keys(fields)) {
    if (!ATTRIBUTE_NAME.test(name) || RESERVED_ATTRIBUTES.has(name) || name === 'partitionkey') {
      context.report('field-skipped', `propagation field "${name}" is not a valid CloudEvents attribute name and was not written`, { field: name });
      continue;
    }
    kept.push([name, fields[name] as string]);
  }
  return kept;
}
