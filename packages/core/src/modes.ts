import { ROOT_CONTEXT, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { CLOUDEVENTS_CONTENT_TYPE } from './cloudevents-envelope.js';
import type { DiagnosticSink } from './diagnostics.js';
import { type EnvelopeCodec, type EnvelopeFormat, type EnvelopeLimits, type ReadLimits } from './envelope.js';
import { headerKeys, headersGetter, readHeader, type HeaderReadCarrier, type KafkaHeaders } from './headers-carrier.js';
import { applyBaggagePolicy, reportDroppedContext, type BaggagePolicy } from './context-limits.js';
import { contextToFields, extractFrom, fieldsGetter, hasValidSpanContext, reportMissingContext } from './propagation.js';

/**
 * Where a producer writes the context.
 * - `headers` (default): Kafka record headers; the value is untouched.
 * - `envelope`: inside the value, wrapped in an envelope; no propagation headers.
 * - `both`: headers and envelope, for migrations between the two.
 * A tombstone (null value) is never wrapped, whatever the mode: its context goes in headers, so
 * log compaction still sees a tombstone.
 */
export type ProducerMode = 'headers' | 'envelope' | 'both';

/**
 * Where a consumer looks for the context.
 * - `auto` (default): headers, else the envelope, else none. An envelope is unwrapped whichever
 *   carrier gave the context.
 * - `headers`: headers only; values are never unwrapped.
 * - `envelope`: the envelope only; propagation headers are ignored.
 */
export type ConsumerMode = 'auto' | 'headers' | 'envelope';

/** What carried the context of an incoming message. */
export type ContextCarrier = 'headers' | 'envelope' | 'none';

/** A message value as clients accept it. */
export type MessageValue = Buffer | Uint8Array | string | null | undefined;

/** The outgoing side's settings, resolved from options. */
export interface OutgoingCarrierConfig {
  readonly mode: ProducerMode;
  readonly propagator: TextMapPropagator | undefined;
  readonly codec: EnvelopeCodec;
  /** Codecs recognised when re-wrapping an already wrapped value (a forwarded message). */
  readonly readers: readonly EnvelopeCodec[];
  readonly limits: EnvelopeLimits;
}

/** What to send: propagation fields for the headers (if any) and the value to send. */
export interface OutgoingCarry<V> {
  /** Propagation fields to set as headers (`undefined` in `envelope` mode). */
  readonly headerFields: Readonly<Record<string, string>> | undefined;
  readonly value: V | Buffer;
  readonly enveloped: boolean;
  /** The `content-type` header the value now needs (CloudEvents structured mode), if any. */
  readonly contentType: string | undefined;
}

/**
 * Decides how one outgoing message carries `context`: serialises the context once and places it in
 * headers, in an envelope around the value, or both. A value that already is an envelope (a
 * forwarded or re-published message) is re-wrapped around its original payload, never nested.
 */
export function carryOutgoing<V extends MessageValue>(
  context: Context,
  value: V,
  config: OutgoingCarrierConfig,
  topic: string,
  sink?: DiagnosticSink,
): OutgoingCarry<V> {
  const fields = contextToFields(context, config.propagator);
  const tombstone = value === null || value === undefined;
  if (config.mode === 'headers' || tombstone) return { headerFields: fields, value, enveloped: false, contentType: undefined };
  let payload: Uint8Array = typeof value === 'string' ? Buffer.from(value, 'utf8') : (value as Uint8Array);
  for (const reader of config.readers) {
    if (!reader.detect(payload)) continue;
    const read = reader.decode(payload, config.limits);
    if (read.kind === 'envelope') payload = read.payload;
    break;
  }
  const wrapped = config.codec.encode(payload, fields, { topic }, sink);
  return {
    headerFields: config.mode === 'both' ? fields : undefined,
    value: wrapped,
    enveloped: true,
    contentType: config.codec.format === 'cloudevents' ? CLOUDEVENTS_CONTENT_TYPE : undefined,
  };
}

/** The incoming side's settings, resolved from options. */
export interface IncomingCarrierConfig {
  readonly mode: ConsumerMode;
  readonly propagator: TextMapPropagator | undefined;
  readonly readers: readonly EnvelopeCodec[];
  readonly limits: EnvelopeLimits & Partial<ReadLimits>;
  /** What to keep of incoming baggage. Default `keep`. */
  readonly baggage?: BaggagePolicy;
}

/** What was read from one incoming message. */
export interface IncomingRead<V> {
  /** The extracted context (based on the root context): a remote span context and/or baggage. */
  readonly context: Context;
  /** True when `context` holds a valid span context from the producer. */
  readonly hasRemoteParent: boolean;
  /** The value to hand to the application: the unwrapped payload, or the original value. */
  readonly value: V | Buffer;
  /** Where the context came from. */
  readonly carrier: ContextCarrier;
  /** The envelope format, when the value was unwrapped. */
  readonly envelope: EnvelopeFormat | undefined;
}

/**
 * Reads one incoming message per the consumer mode. Total: malformed headers or envelopes are
 * reported through `sink` and the message comes back untouched under a fresh (root) context.
 */
export function readIncoming<V extends MessageValue>(
  headers: KafkaHeaders | undefined,
  value: V,
  config: IncomingCarrierConfig,
  sink?: DiagnosticSink,
): IncomingRead<V> {
  let context: Context = ROOT_CONTEXT;
  let carrier: ContextCarrier = 'none';
  const finish = (handed: V | Buffer, envelope: EnvelopeFormat | undefined): IncomingRead<V> => ({
    context: applyBaggagePolicy(context, config.baggage, sink),
    hasRemoteParent: carrier !== 'none',
    value: handed,
    carrier,
    envelope,
  });
  if (config.mode !== 'envelope' && headers !== undefined && headers !== null) {
    // A header already reported (not UTF-8, conflicting, too large) is not reported again as invalid-context.
    const before = sink?.count;
    const readCarrier: HeaderReadCarrier = { headers, ...(sink === undefined ? {} : { sink }), ...(config.limits.maxHeaderBytes === undefined ? {} : { maxBytes: config.limits.maxHeaderBytes }) };
    context = extractFrom(ROOT_CONTEXT, readCarrier, headersGetter, config.propagator, sink);
    if (hasValidSpanContext(context)) carrier = 'headers';
    else if (before === undefined || sink?.count === before) reportMissingContext(context, headerKeys(headers), config.propagator, sink);
    if (sink !== undefined) reportDroppedContext((key) => readHeader(headers, key, undefined, config.limits.maxHeaderBytes), config.propagator, sink);
  }
  if (config.mode === 'headers' || value === null || value === undefined || typeof value === 'string') return finish(value, undefined);
  const bytes = value as Uint8Array;
  for (const reader of config.readers) {
    if (!reader.detect(bytes)) continue;
    const read = reader.decode(bytes, config.limits);
    if (read.kind === 'invalid') {
      sink?.(read.code, `value looks like a ${reader.format} envelope but cannot be read: ${read.reason}; handed over untouched`);
      break;
    }
    if (read.kind === 'not-envelope') continue;
    if (carrier === 'none') {
      const fromEnvelope = extractFrom(context, read.fields, fieldsGetter, config.propagator, sink);
      if (hasValidSpanContext(fromEnvelope)) carrier = 'envelope';
      else reportMissingContext(fromEnvelope, Object.keys(read.fields), config.propagator, sink);
      if (sink !== undefined) reportDroppedContext((key) => (Object.hasOwn(read.fields, key) ? read.fields[key] : undefined), config.propagator, sink);
      context = fromEnvelope;
    }
    return finish(read.payload, reader.format);
  }
  return finish(value, undefined);
}
