/**
 * `@tracecarrier/kafkajs`: OpenTelemetry trace context through Kafka for kafkajs, with explicit
 * wrappers that keep kafkajs's API and types.
 * @packageDocumentation
 */
export { TracedKafka } from './traced-kafka.js';
export type { TracedKafkaOptions } from './traced-kafka.js';
export { traceProducer } from './producer.js';
export type { KafkajsProducerOptions, ProducerHookInfo } from './producer.js';
export { traceConsumer } from './consumer.js';
export type { ConsumerHookInfo, KafkajsConsumerOptions, TracedConsumer, TracedConsumerRunConfig, TracedEachBatchPayload } from './consumer.js';
export { createMessagePropagator } from './manual.js';
export type { ExtractedMessage, MessagePropagator, MessageOrigin } from './manual.js';
export type { KjsClientIdentityOptions as ClientIdentityOptions } from '@tracecarrier/core/binding';
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
