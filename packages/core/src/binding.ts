/**
 * `@tracecarrier/core/binding`: what a binding for a Kafka client needs from core — option
 * resolution, the per-message pipeline (carry, read, spans), the header shapes. Applications do not
 * import it; its API follows the bindings, not semver promises to applications.
 * @packageDocumentation
 */
export { resolveConsumerOptions, resolveProducerOptions, runHook } from './pipeline/runtime.js';
export type { ConsumerRuntime, InstrumentationScope, ProducerRuntime } from './pipeline/runtime.js';
export { beginProcess, prepareSend, receiveMessage, recordSend } from './pipeline/message-path.js';
export type { OutgoingFacts, PreparedSend, ReceivedMessage } from './pipeline/message-path.js';
export { carryOutgoing } from './pipeline/outgoing.js';
export type { OutgoingCarrierConfig, OutgoingCarry } from './pipeline/outgoing.js';
export { readIncoming } from './pipeline/incoming.js';
export type { IncomingCarrierConfig, IncomingRead } from './pipeline/incoming.js';
export { consumerCarriers, producerCarriers } from './pipeline/modes.js';
export { handOver } from './pipeline/carried.js';
export { manualPropagation } from './pipeline/manual-propagation.js';
export type { ManualPropagation } from './pipeline/manual-propagation.js';
export { checkConsumerCombination, checkProducerCombination, consumerOptionsSchema, producerOptionsSchema, sideOptionsSchema, validateOptions } from './options.js';
export { diagnosticSink } from './diagnostics.js';
export type { DiagnosticOrigin, DiagnosticSink } from './diagnostics.js';
export { outgoingHeaderList, outgoingHeaderRecord } from './headers/outgoing-headers.js';
export { headerKeys, readHeader } from './headers/kafka-headers.js';
export type { HeaderList, HeaderRecord, KafkaHeaders } from './headers/kafka-headers.js';
export type { HeaderValue } from './headers/header-value.js';
export {
  endSpanWithError,
  errorType,
  messageLink,
  startBatchProcessSpan,
  startBatchSendSpan,
  startProcessSpan,
  startProducerSpan,
} from './spans/spans.js';
export type { ActiveSpan, ClientIdentity, MessageFacts } from './spans/spans.js';
export { endActiveSpan, failActiveSpan, runInSpan } from './spans/run-in-span.js';
export { Handout } from './pipeline/handout.js';
export { tracedStream } from './pipeline/message-stream.js';
export type { HandOut } from './pipeline/message-stream.js';
export { TransactionSpans } from './spans/transaction.js';
export type { TransactionOutcome } from './spans/transaction.js';
export { DURATION_BUCKETS_SECONDS, MessagingMetrics, messagingMetrics, secondsSince } from './metrics/messaging-metrics.js';
export type { MetricTarget } from './metrics/messaging-metrics.js';
export { clientIdentity } from './spans/identity.js';
export type { IdentitySource } from './spans/identity.js';
/** The semantic-convention attribute names and values the spans use (our own constants, conventions v1.3x). */
export * as semconv from './spans/semconv.js';

// The KafkaJS API (kafkajs, and @confluentinc/kafka-javascript's KafkaJS-compatible API).
export { traceKjsProducer } from './clients/kafkajs-api/producer.js';
export type { KjsProducerHookInfo, KjsProducerOptions } from './clients/kafkajs-api/producer.js';
export { traceKjsConsumer } from './clients/kafkajs-api/consumer.js';
export type { KjsConsumerHookInfo, KjsConsumerOptions, KjsTracedEachBatchPayload } from './clients/kafkajs-api/consumer.js';
export { kjsMessagePropagator } from './clients/kafkajs-api/manual.js';
export { overriddenDefaults } from './clients/kafkajs-api/defaults.js';
export type { KjsExtractedMessage, KjsMessageOrigin, KjsMessagePropagator } from './clients/kafkajs-api/manual.js';
export type { ClientIdentityOptions as KjsClientIdentityOptions } from './clients/kafkajs-api/identity.js';
export { TRACED as KJS_TRACED } from './clients/kafkajs-api/traced.js';
export type {
  KjsBatch,
  KjsConsumer,
  KjsEachBatchPayload,
  KjsEachMessagePayload,
  KjsHeaders,
  KjsMessage,
  KjsProducer,
  KjsProducerBatch,
  KjsProducerRecord,
  KjsReceivedMessage,
  KjsRecordMetadata,
  KjsRunConfig,
  KjsSender,
  KjsTopicMessages,
  KjsTransaction,
} from './clients/kafkajs-api/types.js';

// The librdkafka callback API (node-rdkafka, and @confluentinc/kafka-javascript's node-rdkafka-compatible API).
export { tracedProducerClass, settleSendSpan } from './clients/librdkafka/producer.js';
export type { RdProducerOptions, TracedProducerMembers } from './clients/librdkafka/producer.js';
export { tracedHighLevelProducerClass } from './clients/librdkafka/high-level-producer.js';
export { tracedConsumerClass } from './clients/librdkafka/consumer.js';
export type { RdConsumerHookInfo, RdConsumerOptions, TracedConsumerMembers } from './clients/librdkafka/consumer.js';
export type { RdProducerHookInfo } from './clients/librdkafka/message.js';
export { rdMessagePropagator } from './clients/librdkafka/manual.js';
export type { RdCarriedArguments, RdExtractedMessage, RdMessageOrigin, RdMessagePropagator, RdOutgoingArguments } from './clients/librdkafka/manual.js';
export { librdkafkaErrorText, librdkafkaErrorType } from './clients/librdkafka/errors.js';
export type { LibrdkafkaErrors } from './clients/librdkafka/errors.js';
export type {
  Constructor,
  LibrdkafkaBinding,
  RdConsumerBase,
  RdDeliveryReport,
  RdHeader,
  RdHighLevelProducerBase,
  RdMessage,
  RdProducerBase,
  Traced,
} from './clients/librdkafka/types.js';

// The stream API of @platformatic/kafka.
export { tracedPltProducerClass } from './clients/platformatic/producer.js';
export type { PltBinding, PltProducerHookInfo, PltProducerOptions } from './clients/platformatic/producer.js';
export { tracedPltConsumerClass } from './clients/platformatic/consumer.js';
export type { PltConsumerHookInfo, PltConsumerOptions, TracedPltConsumerMembers } from './clients/platformatic/consumer.js';
export { pltMessagePropagator } from './clients/platformatic/manual.js';
export type { PltExtractedMessage, PltManualForms, PltMessageOrigin, PltMessagePropagator } from './clients/platformatic/manual.js';
export type { PltForm } from './clients/platformatic/headers.js';
export type {
  PltClientOptions,
  PltConsumerBase,
  PltHeaders,
  PltMessage,
  PltMessageToProduce,
  PltProduceResult,
  PltProducerBase,
  PltSendOptions,
  PltSerializer,
  PltTransaction,
} from './clients/platformatic/types.js';
