/**
 * `@tracecarrier/platformatic-kafka`: OpenTelemetry trace context through Kafka for
 * @platformatic/kafka, with subclasses of its `Producer` and `Consumer` that keep its API and types:
 * the consumer's stream hands each message over in its `process` span.
 * @packageDocumentation
 */
export { TracedProducer } from './producer.js';
export type { PlatformaticProducerOptions, ProducerHookInfo } from './producer.js';
export { TracedConsumer } from './consumer.js';
export type { ConsumerHookInfo, PlatformaticConsumerOptions, TracedConsumerMembers } from './consumer.js';
export { createMessagePropagator } from './manual.js';
export type { ExtractedMessage, MessageOrigin, PlatformaticMessagePropagator, PlatformaticMessagePropagatorOptions } from './manual.js';
export { INSTRUMENTATION_SCOPE } from './version.js';
export {
  TracecarrierError,
  carriedAttributes,
  cloudEventOf,
  cloudEventsBinary,
  cloudEventsStructured,
  headersCarrier,
  jsonEnvelope,
} from '@tracecarrier/core';
export type {
  BaggagePolicy,
  Carrier,
  CloudEventAttributes,
  ConsumerMode,
  Diagnostic,
  DiagnosticCode,
  DiagnosticHook,
  EnvelopeFormat,
  EnvelopeOptions,
  LimitOptions,
  MessagePropagatorOptions,
  PayloadEncoding,
  ProducerMode,
  Relationship,
} from '@tracecarrier/core';
