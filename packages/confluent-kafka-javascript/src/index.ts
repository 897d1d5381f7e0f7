/**
 * `@tracecarrier/confluent-kafka-javascript`: OpenTelemetry trace context through Kafka for
 * @confluentinc/kafka-javascript, laid out like the client: the node-rdkafka-compatible callback API
 * at the top level (`TracedProducer`, `TracedHighLevelProducer`, `TracedKafkaConsumer`), the
 * KafkaJS-compatible promise API under `KafkaJS` (`KafkaJS.TracedKafka`, `traceProducer`,
 * `traceConsumer`). Both keep the client's API and types.
 * @packageDocumentation
 */
import * as KafkaJS from './kafkajs/index.js';

export { KafkaJS };
export { TracedHighLevelProducer, TracedProducer } from './producer.js';
export type { ConfluentProducerOptions } from './producer.js';
export { TracedKafkaConsumer } from './consumer.js';
export type { ConfluentConsumerOptions, ConsumerHookInfo } from './consumer.js';
export type { RdProducerHookInfo as ProducerHookInfo } from '@tracecarrier/core/binding';
export { createMessagePropagator } from './manual.js';
export type { ConfluentMessagePropagator } from './manual.js';
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
