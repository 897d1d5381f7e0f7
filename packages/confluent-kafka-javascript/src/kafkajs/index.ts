/**
 * The KafkaJS-compatible side of @confluentinc/kafka-javascript (`KafkaJS.Kafka`), traced.
 * @module
 */
export { TracedKafka } from './traced-kafka.js';
export type { TracedKafkaOptions } from './traced-kafka.js';
export { traceConsumer, traceProducer } from './clients.js';
export type {
  ConsumerHookInfo,
  ConsumerOptions,
  ProducerHookInfo,
  ProducerOptions,
  TracedConsumer,
  TracedConsumerRunConfig,
  TracedEachBatchPayload,
} from './clients.js';
export { createMessagePropagator } from './manual.js';
export type { MessagePropagator } from './manual.js';
