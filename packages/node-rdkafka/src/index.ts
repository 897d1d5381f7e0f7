/**
 * `@tracecarrier/node-rdkafka`: OpenTelemetry trace context through Kafka for node-rdkafka, with
 * subclasses of node-rdkafka's clients that keep their API and types.
 * @packageDocumentation
 */
export { TracedProducer } from './producer.js';
export type { RdkafkaProducerOptions } from './producer.js';
export { TracedHighLevelProducer } from './high-level-producer.js';
export { TracedKafkaConsumer } from './consumer.js';
export type { ConsumerHookInfo, RdkafkaConsumerOptions } from './consumer.js';
export type { RdProducerHookInfo as ProducerHookInfo } from '@tracecarrier/core/binding';
export { createMessagePropagator } from './manual.js';
export type { CarriedArguments, ExtractedMessage, MessageOrigin, OutgoingArguments, RdkafkaMessagePropagator } from './manual.js';
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
