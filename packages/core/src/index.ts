/**
 * `@tracecarrier/core`: the client-agnostic part of tracecarrier. Applications use a binding
 * (`@tracecarrier/kafkajs`, `@tracecarrier/node-rdkafka`) and come here for the carriers — the
 * plug-in point that decides where a message carries its trace context — the option and
 * diagnostic types, and the CloudEvents accessor. What bindings need lives in
 * `@tracecarrier/core/binding`.
 * @packageDocumentation
 */
export type {
  Carrier,
  CarrierContext,
  CarrierFields,
  CarrierPlacement,
  CarrierRead,
  CarrierWrite,
  IncomingMessage,
  MessageValue,
  OutgoingMessage,
} from './carriers/carrier.js';
export { headersCarrier } from './carriers/headers.js';
export { JSON_ENVELOPE_FIELDS, JSON_ENVELOPE_VERSION, jsonEnvelope } from './carriers/json-envelope.js';
export type { JsonEnvelopeOptions } from './carriers/json-envelope.js';
export { cloudEventsStructured } from './carriers/cloudevents-structured.js';
export type { CloudEventsOptions } from './carriers/cloudevents-structured.js';
export { cloudEventsBinary } from './carriers/cloudevents-binary.js';
export { CLOUDEVENTS_CONTENT_TYPE, DEFAULT_CLOUDEVENT_TYPE } from './carriers/cloudevents.js';
export type { CloudEventAttributes } from './carriers/cloudevents.js';
export type { PayloadEncoding } from './carriers/payload.js';
export { carriedAttributes, cloudEventOf } from './pipeline/carried.js';
export type { CarriedAttributes } from './pipeline/incoming.js';
export type { ConsumerMode, EnvelopeFormat, ProducerMode } from './pipeline/modes.js';
export type { MessagePropagatorOptions } from './pipeline/manual-propagation.js';
export type { CommonOptions, ConsumerOptions, EnvelopeOptions, LimitOptions, ProducerOptions } from './options.js';
export type { BaggagePolicy } from './propagation/context-limits.js';
export type { Relationship } from './spans/spans.js';
export { TRACECARRIER_ATTRIBUTES } from './spans/spans.js';
export { TRANSACTION_ATTRIBUTES } from './spans/transaction.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { ReadLimits } from './limits.js';
export { TracecarrierError } from './errors.js';
export type { TracecarrierErrorCode } from './errors.js';
export type { Diagnostic, DiagnosticCode, DiagnosticHook } from './diagnostics.js';
/** The header shapes a carrier sees (`OutgoingMessage.headers`, `IncomingMessage.headers`): either client's. */
export type { HeaderList, HeaderRecord, KafkaHeaders } from './headers/kafka-headers.js';
export type { HeaderValue } from './headers/header-value.js';
