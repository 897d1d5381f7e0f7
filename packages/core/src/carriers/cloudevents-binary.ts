import { randomUUID } from 'node:crypto';
import { headerKeys, readHeader } from '../headers/kafka-headers.js';
import type { Carrier, CarrierContext, CarrierRead, IncomingMessage } from './carrier.js';
import {
  attributeFields,
  CLOUDEVENTS_HEADER_PREFIX,
  CLOUDEVENTS_SPEC_VERSION,
  CONTENT_TYPE_HEADER,
  DEFAULT_CLOUDEVENT_TYPE,
  contentModeOf,
  messageContentMode,
} from './cloudevents.js';
import type { CloudEventsOptions } from './cloudevents-structured.js';
import { embedsAsJson, keyText, valueBytes } from './payload.js';

/**
 * CloudEvents 1.0 in binary content mode (`cloudevents-binary`), the default of the Java
 * CloudEvents SDK's `CloudEventSerializer` and of the Python SDK's `to_binary`: the value is the
 * event's `data`, untouched; the attributes travel as `ce_` headers, the context as
 * `ce_traceparent`/`ce_tracestate`, `datacontenttype` as the `content-type` header (`application/json`
 * or `application/octet-stream` per `payloadEncoding` when the application set none), and the record
 * key is the event's `partitionkey`.
 *
 * A message that already is an event is never re-stamped (its context goes in plain headers: the
 * hop rides in transport headers, the event keeps the trace that started it). On the consumer side
 * this carrier reads `ce_traceparent` when no plain `traceparent` header gave a context, and
 * `cloudEventOf(message)` gives the event's attributes.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md#32-binary-content-mode
 *
 * @example
 * ```ts
 * // Headers for the hop, ce_ headers for CloudEvents readers:
 * const producer = kafka.producer(undefined, { carriers: [headersCarrier(), cloudEventsBinary({ type: 'com.shop.order' })] });
 * ```
 */
export function cloudEventsBinary(options: CloudEventsOptions = {}): Carrier {
  const type = options.type ?? DEFAULT_CLOUDEVENT_TYPE;
  const encoding = options.payloadEncoding ?? 'auto';
  return {
    name: 'cloudevents-binary',
    placement: 'headers',
    inject(message, fields, context) {
      const bytes = valueBytes(message.value);
      if (bytes === undefined || contentModeOf(message.headers, bytes) !== undefined) return undefined;
      const headers: Record<string, string> = {
        ce_specversion: CLOUDEVENTS_SPEC_VERSION,
        ce_id: randomUUID(),
        ce_source: options.source ?? `/tracecarrier/kafka/${message.topic}`,
        ce_type: type,
        ce_time: new Date().toISOString(),
      };
      for (const [name, value] of attributeFields(fields, context)) headers[`${CLOUDEVENTS_HEADER_PREFIX}${name}`] = value;
      // The application's own content-type is the event's datacontenttype; without one, say what the bytes are.
      if (readHeader(message.headers, CONTENT_TYPE_HEADER) === undefined) {
        headers[CONTENT_TYPE_HEADER] = embedsAsJson(bytes, encoding) ? 'application/json' : 'application/octet-stream';
      }
      return { headers };
    },
    detect: (message) => messageContentMode(message) === 'binary',
    extract: readBinary,
  };
}

function readBinary(message: IncomingMessage, context: CarrierContext): CarrierRead {
  const headers = message.headers;
  const attributes: Record<string, string | number | boolean> = Object.create(null);
  for (const key of headerKeys(headers)) {
    if (!key.startsWith(CLOUDEVENTS_HEADER_PREFIX)) continue;
    const value = readHeader(headers, key);
    if (value !== undefined) attributes[key.slice(CLOUDEVENTS_HEADER_PREFIX.length)] = value;
  }
  const contentType = readHeader(headers, CONTENT_TYPE_HEADER);
  if (contentType !== undefined) attributes.datacontenttype = contentType;
  const key = keyText(message.key);
  if (attributes.partitionkey === undefined && key !== undefined) attributes.partitionkey = key;
  return {
    fields: {
      get: (name) => readHeader(headers, `${CLOUDEVENTS_HEADER_PREFIX}${name}`, context.report, context.limits.maxHeaderBytes),
      keys: () => headerKeys(headers).filter((name) => name.startsWith(CLOUDEVENTS_HEADER_PREFIX)).map((name) => name.slice(CLOUDEVENTS_HEADER_PREFIX.length)),
    },
    attributes,
  };
}
