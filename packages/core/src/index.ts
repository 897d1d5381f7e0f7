/**
 * `@tracecarrier/core`: client-agnostic OpenTelemetry context propagation through Apache Kafka.
 * Bindings (`@tracecarrier/kafkajs`, `@tracecarrier/node-rdkafka`) build on it; applications
 * normally use a binding and reach for core only for its types, codecs and constants.
 * @packageDocumentation
 */
export { TracecarrierError } from './errors.js';
export type { TracecarrierErrorCode } from './errors.js';
export { diagnosticSink } from './diagnostics.js';
export type { Diagnostic, DiagnosticCode, DiagnosticHook, DiagnosticOrigin, DiagnosticSink } from './diagnostics.js';
export { decodeHeaderValue, pickHeaderValue } from './header-value.js';
export type { HeaderValue } from './header-value.js';
export { headerKeys, headersGetter, readHeader, withHeaderListFields, withHeaderRecordFields } from './headers-carrier.js';
export type { HeaderList, HeaderReadCarrier, HeaderRecord, KafkaHeaders } from './headers-carrier.js';
export { DEFAULT_PROPAGATOR, contextToFields, effectivePropagator, extractFrom, fieldsGetter, hasValidSpanContext, propagatorFields, reportMissingContext } from './propagation.js';
export { DEFAULT_ENVELOPE_LIMITS, DEFAULT_LIMITS, decodeBase64, embedsAsJson } from './envelope.js';
export type { EnvelopeCodec, EnvelopeFormat, EnvelopeLimits, EnvelopeRead, EnvelopeWriteInfo, InvalidEnvelopeCode, PayloadEncoding, ReadLimits } from './envelope.js';
export { W3C_LIMITS, applyBaggagePolicy, reportDroppedContext } from './context-limits.js';
export type { BaggagePolicy } from './context-limits.js';
export { JSON_ENVELOPE_FIELDS, JSON_ENVELOPE_VERSION, jsonEnvelope, jsonEnvelopeSchema } from './json-envelope.js';
export type { JsonEnvelopeOptions } from './json-envelope.js';
export {
  CLOUDEVENTS_CONTENT_TYPE,
  CLOUDEVENTS_SPEC_VERSION,
  DEFAULT_CLOUDEVENT_TYPE,
  cloudEventSchema,
  cloudEventsEnvelope,
} from './cloudevents-envelope.js';
export type { CloudEventsEnvelopeOptions } from './cloudevents-envelope.js';
export { carryOutgoing, readIncoming } from './modes.js';
export type {
  ConsumerMode,
  ContextCarrier,
  IncomingCarrierConfig,
  IncomingRead,
  MessageValue,
  OutgoingCarrierConfig,
  OutgoingCarry,
  ProducerMode,
} from './modes.js';
export {
  TRACECARRIER_ATTRIBUTES,
  endSpanWithError,
  errorType,
  messageAttributes,
  messageLink,
  startBatchProcessSpan,
  startBatchSendSpan,
  startProcessSpan,
  startProducerSpan,
} from './spans.js';
export type { ActiveSpan, ClientIdentity, MessageFacts, Relationship } from './spans.js';
export { consumerOptionsSchema, envelopeOptionsSchema, limitOptionsSchema, producerOptionsSchema, validateOptions } from './options.js';
export type { CommonOptions, ConsumerOptions, EnvelopeOptions, LimitOptions, ProducerOptions } from './options.js';
export { resolveConsumerOptions, resolveProducerOptions, runHook } from './runtime.js';
export type { ConsumerRuntime, InstrumentationScope, ProducerRuntime } from './runtime.js';
export { beginProcess, prepareSend, receiveMessage } from './pipeline.js';
export type { PreparedSend, ReceivedMessage } from './pipeline.js';
export * as semconv from './semconv.js';
export { CONTENT_TYPE_HEADER, outgoingHeaderList, outgoingHeaderRecord } from './outgoing-headers.js';
export { clientIdentity } from './identity.js';
export type { IdentitySource } from './identity.js';
export { manualCarrier } from './manual-carrier.js';
export type { ManualCarrier, MessageCarrierOptions } from './manual-carrier.js';
export { runInSpan } from './run-in-span.js';
