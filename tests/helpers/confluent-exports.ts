// The confluent binding's public API as the tests use it (one import site).
export { KafkaJS, TracedHighLevelProducer, TracedKafkaConsumer, TracedProducer } from '@tracecarrier/confluent-kafka-javascript';
export type { Diagnostic } from '@tracecarrier/confluent-kafka-javascript';
export const TRACED_SCOPE = '@tracecarrier/confluent-kafka-javascript';
