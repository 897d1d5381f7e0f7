/**
 * `@tracecarrier/node-rdkafka`: OpenTelemetry trace context through Kafka for node-rdkafka, with
 * subclasses of node-rdkafka's clients that keep their API and types.
 * @packageDocumentation
 */
export { TracedProducer, settleSendSpan } from './producer.js';
export type { RdkafkaProducerOptions } from './producer.js';
export { TracedHighLevelProducer } from './high-level-producer.js';
export { TracedKafkaConsumer } from './consumer.js';
export type { ConsumerHookInfo, RdkafkaConsumerOptions } from './consumer.js';
export type { ProducerHookInfo } from './message.js';
export { createMessageCarrier } from './manual.js';
export type { CarriedArguments, ExtractedMessage, RdkafkaMessageCarrier } from './manual.js';
export type { MessageCarrierOptions } from '@tracecarrier/core';
export { INSTRUMENTATION_SCOPE } from './version.js';
export { TracecarrierError } from '@tracecarrier/core';
export type {
  ConsumerMode,
  Diagnostic,
  DiagnosticCode,
  DiagnosticHook,
  EnvelopeFormat,
  EnvelopeOptions,
  BaggagePolicy,
  LimitOptions,
  PayloadEncoding,
  ProducerMode,
  Relationship,
} from '@tracecarrier/core';
